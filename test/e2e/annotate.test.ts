import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from 'fast-png';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emDataSource, emPairs } from '../support/emData';
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

type Pt = { x: number; y: number };

/** Pixels whose centre is within size/2 of the segment a-b: the brush geometry, computed plainly. */
function strokePixels(w: number, h: number, a: Pt, b: Pt, size: number): number[] {
  const out: number[] = [];
  const r = size / 2;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const px = x + 0.5;
      const py = y + 0.5;
      const dx = b.x - a.x;
      const dy = b.y - a.y;
      const t = Math.max(0, Math.min(1, ((px - a.x) * dx + (py - a.y) * dy) / (dx * dx + dy * dy)));
      if (Math.hypot(px - a.x - t * dx, py - a.y - t * dy) <= r) out.push(y * w + x);
    }
  }
  return out;
}

describe(`annotate an EM slice (${emDataSource()}) in the browser shell`, () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;
  let slice: string;

  beforeAll(async () => {
    server = await startStudioServer();
    slice = emPairs([0], server.workspace)[0].image;
    browser = await launchBrowser();
    page = await newPage(browser);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('paints background and two cell objects, undoes a stroke, and the files hold exactly those labels', async () => {
    await page.goto(server.url);
    await page.getByTestId('create-project').waitFor();
    await screenshot(page, 'annotate-1-project-screen');
    const projectDir = join(server.workspace, 'em-project');
    await createProject(page, projectDir, 'EM e2e');
    await importImages(page, [slice]);
    const imageId = await page.getByTestId('image-item').first().getAttribute('data-image-id');
    expect(imageId).toMatch(/^img_/);
    await page.keyboard.press('1'); // 100%: one image pixel per CSS pixel
    await page.locator('[data-testid="canvas"][data-scale="1"]').waitFor();
    await screenshot(page, 'annotate-2-imported');

    await page.keyboard.press('['); // brush 12 -> 10 px (even: no pixel centre lies exactly on the rim)
    expect(await page.getByTestId('brush-size').inputValue()).toBe('10');
    const size = 10;
    const bg = { a: { x: 40, y: 60 }, b: { x: 300, y: 60 } };
    const cellA = { a: { x: 100, y: 200 }, b: { x: 220, y: 200 } };
    const cellB = { a: { x: 150, y: 66 }, b: { x: 250, y: 66 } }; // over the background stroke
    const cellC = { a: { x: 60, y: 206 }, b: { x: 180, y: 206 } }; // over cell A, then undone

    await page.getByTestId('class-background').click();
    await dragImage(page, [bg.a, bg.b]);
    await page.getByTestId('class-cell').click();
    await dragImage(page, [cellA.a, cellA.b]);
    await dragImage(page, [cellB.a, cellB.b]);
    await screenshot(page, 'annotate-3-painted');
    // Escape mid-stroke rolls the stroke back (nothing of it may reach the files).
    const t0 = await canvasTransform(page);
    await page.mouse.move(t0.left + t0.x + 300, t0.top + t0.y + 400);
    await page.mouse.down();
    await page.mouse.move(t0.left + t0.x + 420, t0.top + t0.y + 400, { steps: 6 });
    await page.keyboard.press('Escape');
    await page.mouse.up();
    await dragImage(page, [cellC.a, cellC.b]);
    await screenshot(page, 'annotate-4-third-object');
    await expect.poll(() => page.getByTestId('status-label').textContent()).toBe('label cell #3');
    await page.keyboard.press('Control+z');
    // The pointer still rests on the undone stroke's end, (180, 206): the status bar follows the undo.
    await expect.poll(() => page.getByTestId('status-label').textContent()).toBe('label unlabelled');
    await page.waitForTimeout(100);
    await waitSaved(page);
    await screenshot(page, 'annotate-5-undone');

    await page.reload();
    await waitPainted(page);
    // The status bar reads the reloaded labels: hover a pixel of cell B.
    const t = await canvasTransform(page);
    await page.mouse.move(t.left + t.x + 200 * t.scale, t.top + t.y + 66 * t.scale);
    await expect.poll(() => page.getByTestId('status-label').textContent()).toContain('cell #2');
    await screenshot(page, 'annotate-6-reloaded');

    // Expected label images, computed from the brush geometry in image coordinates.
    const w = 512;
    const h = 512;
    const classes = new Uint8Array(w * h);
    const instances = new Uint16Array(w * h);
    for (const i of strokePixels(w, h, bg.a, bg.b, size)) classes[i] = 1;
    for (const [stroke, id] of [
      [cellA, 1],
      [cellB, 2],
    ] as const) {
      for (const i of strokePixels(w, h, stroke.a, stroke.b, size)) {
        classes[i] = 2;
        instances[i] = id;
      }
    }
    // Labels are stored as 512x512 tiles: the 512x512 slice is exactly tile (0, 0).
    const annDir = join(projectDir, 'annotations', imageId ?? '');
    expect(readdirSync(annDir).sort()).toEqual(['0_0.classes.png', '0_0.instances.png']);
    const savedClasses = decode(readFileSync(join(annDir, '0_0.classes.png')));
    const savedInstances = decode(readFileSync(join(annDir, '0_0.instances.png')));
    expect([savedClasses.width, savedClasses.height, savedClasses.depth, savedClasses.channels]).toEqual([
      w,
      h,
      8,
      1,
    ]);
    expect([savedInstances.depth, savedInstances.channels]).toEqual([16, 1]);
    const gotClasses = Uint8Array.from(savedClasses.data);
    const gotInstances = Uint16Array.from(savedInstances.data);
    const mismatches = (got: ArrayLike<number>, want: ArrayLike<number>) => {
      let n = 0;
      for (let i = 0; i < want.length; i++) if (got[i] !== want[i]) n++;
      return n;
    };
    expect(mismatches(gotClasses, classes)).toBe(0);
    expect(mismatches(gotInstances, instances)).toBe(0);
    // Sanity of the expectation itself: the undone stroke's own pixels are not labelled.
    expect(gotClasses[206 * w + 65]).toBe(0);
    expect(gotClasses[400 * w + 350]).toBe(0); // the escaped stroke
    expect(new Set(gotInstances)).toEqual(new Set([0, 1, 2]));
  });
});
