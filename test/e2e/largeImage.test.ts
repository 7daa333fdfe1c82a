import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from 'fast-png';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSlideTiff } from '../fixtures/slideTiff';
import { launchBrowser, newPage, screenshot } from './support/browser';
import { type StudioServer, startStudioServer } from './support/studioServer';
import {
  canvasTransform,
  createProject,
  dragImage,
  importImages,
  waitPainted,
  waitSaved,
} from './support/workstation';

const SIDE = 20_000;

/** Waits until the last frame drew every tile the view wants at its level. */
async function waitTiles(page: Page): Promise<void> {
  await page.locator('[data-testid="canvas"][data-tiles="complete"]').waitFor({ timeout: 60_000 });
}

describe('a 20000x20000 slide in the browser shell', () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;
  let slide: string;

  beforeAll(async () => {
    server = await startStudioServer();
    slide = join(server.workspace, 'slide.tif');
    await writeSlideTiff(slide, SIDE, SIDE, 8);
    browser = await launchBrowser();
    page = await newPage(browser);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('opens as tiles, paints far from the origin, and the label tiles hold exactly that after a reload', async () => {
    await page.goto(server.url);
    await page.getByTestId('create-project').waitFor();
    const projectDir = join(server.workspace, 'slide-project');
    await createProject(page, projectDir, 'Slide e2e');
    const [imageId] = await importImages(page, [slide]);
    await expect.poll(() => page.getByTestId('image-item').first().textContent()).toContain('20000×20000');
    await waitTiles(page);
    await screenshot(page, 'large-1-fit');

    await page.keyboard.press('1'); // 100 %, centred on (10000, 10000)
    await page.locator('[data-testid="canvas"][data-scale="1"]').waitFor();
    await waitTiles(page);
    await page.getByTestId('class-cell').click();
    const a = { x: 9950, y: 10_000 };
    const b = { x: 10_050, y: 10_000 };
    await dragImage(page, [a, b]);
    await waitSaved(page);
    await screenshot(page, 'large-2-painted-100');

    // Only the tile under the stroke exists: (10000 / 512) = tile (19, 19).
    const annDir = join(projectDir, 'annotations', imageId);
    expect(readdirSync(annDir).sort()).toEqual(['19_19.classes.png', '19_19.instances.png']);
    const classes = decode(readFileSync(join(annDir, '19_19.classes.png')));
    const instances = decode(readFileSync(join(annDir, '19_19.instances.png')));
    const at = (x: number, y: number) => (y - 19 * 512) * 512 + (x - 19 * 512);
    expect([classes.data[at(10_000, 10_000)], instances.data[at(10_000, 10_000)]]).toEqual([2, 1]);
    expect(classes.data[at(10_000, 10_020)]).toBe(0);
    let labelled = 0;
    for (const v of classes.data) if (v !== 0) labelled++;
    // A 12 px brush along 100 px: about 100 * 12 + pi * 36 pixels.
    expect(labelled).toBeGreaterThan(1200);
    expect(labelled).toBeLessThan(1400);

    await page.reload();
    await waitPainted(page);
    await page.keyboard.press('1');
    await page.locator('[data-testid="canvas"][data-scale="1"]').waitFor();
    await waitTiles(page);
    const t = await canvasTransform(page);
    await page.mouse.move(t.left + t.x + 10_000 * t.scale, t.top + t.y + 10_000 * t.scale);
    await expect.poll(() => page.getByTestId('status-label').textContent()).toBe('label cell #1');
    await expect.poll(() => page.getByTestId('status-value').textContent()).not.toContain('…');
    await screenshot(page, 'large-3-reloaded-100');
  }, 180_000);
});
