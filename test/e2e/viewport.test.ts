import { join } from 'node:path';
import { decode } from 'fast-png';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emDataSource, emPairs } from '../support/emData';
import { launchBrowser, newPage, screenshot } from './support/browser';
import { type StudioServer, startStudioServer } from './support/studioServer';
import { canvasTransform, createProject, importImages } from './support/workstation';

describe(`canvas zoom and pan (${emDataSource()})`, () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    server = await startStudioServer();
    browser = await launchBrowser();
    page = await newPage(browser);
    await page.goto(server.url);
    await createProject(page, join(server.workspace, 'viewport'), 'Viewport');
    await importImages(page, [emPairs([3], server.workspace)[0].image]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('wheel zooms to the cursor, space-drag pans by the drag, Fit and 100% set the scale', async () => {
    await page.getByTestId('view-100').click();
    await page.locator('[data-testid="canvas"][data-scale="1"]').waitFor();
    const t = await canvasTransform(page);
    const at = { x: t.left + t.x + 300.5, y: t.top + t.y + 200.5 };
    await page.mouse.move(at.x, at.y);
    await expect.poll(() => page.getByTestId('status-cursor').textContent()).toContain('x 300  y 200');
    for (let i = 0; i < 10; i++) await page.mouse.wheel(0, -150);
    await expect.poll(async () => (await canvasTransform(page)).scale).toBeGreaterThan(8);
    await page.mouse.move(at.x + 0.01, at.y); // refresh the status bar at the same spot
    await expect.poll(() => page.getByTestId('status-cursor').textContent()).toContain('x 300  y 200');

    // Pixel-exact display: along a row of the screenshot, colours come in runs as long as the scale.
    // (The pointer leaves the canvas first so the brush outline is not in the picture.)
    const zoomed = await canvasTransform(page);
    await page.mouse.move(5, 300);
    const png = decode(await page.screenshot({ clip: { x: at.x - 100, y: at.y, width: 200, height: 1 } }));
    const runs: number[] = [];
    let run = 1;
    for (let x = 1; x < png.width; x++) {
      const same = [0, 1, 2].every(
        (c) => png.data[x * png.channels + c] === png.data[(x - 1) * png.channels + c],
      );
      if (same) run++;
      else {
        runs.push(run);
        run = 1;
      }
    }
    const inner = runs.slice(1); // the first run is cut by the clip
    // The slice is textured, so most neighbouring image pixels differ: the row holds many runs
    // (a flat row would leave `inner` empty and the next check without meaning).
    expect(inner.length).toBeGreaterThanOrEqual(Math.floor(200 / zoomed.scale / 2));
    expect(Math.min(...inner)).toBeGreaterThanOrEqual(Math.floor(zoomed.scale) - 1);
    await screenshot(page, 'viewport-1-zoomed');

    await page.mouse.move(at.x, at.y);
    await page.keyboard.down('Space');
    await page.mouse.down();
    await page.mouse.move(at.x - 120, at.y + 45, { steps: 5 });
    await page.mouse.up();
    await page.keyboard.up('Space');
    const panned = await canvasTransform(page);
    expect(panned.x - zoomed.x).toBeCloseTo(-120, 5);
    expect(panned.y - zoomed.y).toBeCloseTo(45, 5);
    expect(await page.getByTestId('save-state').getAttribute('data-state')).toBe('saved'); // no paint

    await page.keyboard.press('0');
    await expect.poll(async () => (await canvasTransform(page)).scale).toBeLessThan(2);
    const fit = await canvasTransform(page);
    const box = (await page.getByTestId('canvas').boundingBox())!;
    expect(512 * fit.scale).toBeLessThanOrEqual(Math.min(box.width, box.height));
    await page.getByTestId('view-100').click();
    await expect.poll(async () => (await canvasTransform(page)).scale).toBe(1);
    await screenshot(page, 'viewport-2-100');
  });
});
