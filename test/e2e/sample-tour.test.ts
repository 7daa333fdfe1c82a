import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from 'fast-png';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticNuclei } from '../../src/app/sample/syntheticNuclei';
import { SAMPLE } from '../../src/shared/sample';
import { launchBrowser, newPage, screenshot } from './support/browser';
import { type StudioServer, startStudioServer } from './support/studioServer';
import { clickImage, waitPainted, waitSaved } from './support/workstation';

/** The three largest nuclei of a sample image, as their centroids (image pixels). */
function largestNuclei(seed: string, count: number): { x: number; y: number }[] {
  const { width, instances } = syntheticNuclei(seed);
  const sums = new Map<number, { n: number; x: number; y: number }>();
  for (let i = 0; i < instances.length; i++) {
    const id = instances[i];
    if (id === 0) continue;
    const s = sums.get(id) ?? { n: 0, x: 0, y: 0 };
    s.n++;
    s.x += (i % width) + 0.5;
    s.y += Math.floor(i / width) + 0.5;
    sums.set(id, s);
  }
  return [...sums.values()]
    .sort((a, b) => b.n - a.n)
    .slice(0, count)
    .map((s) => ({ x: s.x / s.n, y: s.y / s.n }));
}

/** A background pixel of a sample image at least 12 px from every nucleus (scanning from the centre). */
function backgroundPoint(seed: string): { x: number; y: number } {
  const { width, height, instances } = syntheticNuclei(seed);
  const clear = (x: number, y: number) => {
    for (let dy = -12; dy <= 12; dy++)
      for (let dx = -12; dx <= 12; dx++) {
        const [u, v] = [x + dx, y + dy];
        if (u >= 0 && v >= 0 && u < width && v < height && instances[v * width + u] > 0) return false;
      }
    return true;
  };
  for (let r = 0; r < width / 2; r++)
    for (let x = width / 2 - r; x <= width / 2 + r; x++)
      for (const y of [height / 2 - r, height / 2 + r]) if (clear(x, y)) return { x: x + 0.5, y: y + 0.5 };
  throw new Error('no clear background in the sample image');
}

describe('the sample tour, as a new user takes it', () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    server = await startStudioServer();
    browser = await launchBrowser();
    page = await newPage(browser, 1500, 1000);
    page.setDefaultTimeout(60_000);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('goes from the start page to exported masks that match the truth (IoU >= 0.75) within 10 minutes', async () => {
    const started = Date.now();
    const out = join(server.workspace, 'sample-masks');
    const step = () => page.getByTestId('sample-tour').getAttribute('data-step');
    try {
      await page.goto(server.url);
      await page.getByTestId('try-sample').waitFor();
      await screenshot(page, 'sample-0-start-page');
      await page.getByTestId('try-sample').click();
      await page.getByTestId('sample-tour').waitFor();
      await waitPainted(page);
      expect(await page.getByTestId('image-item').count()).toBe(SAMPLE.images.length);
      expect(await step()).toBe('0');
      await screenshot(page, 'sample-1-tour-paint');

      // 1. Paint: the tour shows the image to paint; Fill inside three nuclei.
      await page.getByTestId('tour-go').click();
      const toPaint = await page
        .getByTestId('image-item')
        .nth(SAMPLE.annotated)
        .getAttribute('data-image-id');
      await page.locator(`[data-testid="canvas"][data-image-id="${toPaint}"][data-labels="ready"]`).waitFor();
      await page.getByTestId('class-nucleus').click();
      await page.keyboard.press('f');
      for (const p of largestNuclei(String(SAMPLE.annotated + 1), 3)) await clickImage(page, p);
      // Then the background, as the tour says: Shift-click Fill in the dark between the nuclei.
      await page.getByTestId('class-background').click();
      await clickImage(page, backgroundPoint(String(SAMPLE.annotated + 1)), { shift: true });
      await waitSaved(page);
      await expect.poll(step).toBe('1');
      const status = await page
        .locator(`[data-image-id="${toPaint}"] [data-testid="image-status"]`)
        .textContent();
      expect(status).toMatch(/3 objects/);
      await screenshot(page, 'sample-2-painted');

      // 2. Train: the form starts at the tour's budget; start and wait for the run to finish.
      await page.getByTestId('tour-go').click();
      await page.getByTestId('training-form').waitFor();
      expect(await page.getByTestId('train-minutes').inputValue()).toBe(String(SAMPLE.trainMinutes));
      await expect.poll(() => page.locator('[data-testid="train-image"]:checked').count()).toBe(4);
      await screenshot(page, 'sample-3-train-form');
      await page.getByTestId('train-start').click();
      await page.locator('[data-testid="live-run"][data-status="running"]').waitFor({ timeout: 240_000 });
      await page.locator('[data-testid="live-run"][data-status="done"]').waitFor({ timeout: 360_000 });
      await screenshot(page, 'sample-4-trained');
      await expect.poll(step, { timeout: 30_000 }).toBe('2');

      // 3. Compare: computes as it opens (predicting the annotated images first).
      await page.getByTestId('tour-go').click();
      await expect
        .poll(() => page.getByTestId('metrics-row').count(), { timeout: 180_000 })
        .toBe(SAMPLE.annotated + 1);
      await expect
        .poll(async () => (await page.getByTestId('metrics-set').textContent())?.includes('–'), {
          timeout: 180_000,
        })
        .toBe(false);
      // The view shows the shown image's prediction once it exists (no stale "no prediction").
      await expect.poll(() => page.getByText(/has no prediction/).count(), { timeout: 30_000 }).toBe(0);
      // The run held one of the four annotated images out; Compare says which.
      expect(await page.getByTestId('metrics-role').filter({ hasText: 'held out' }).count()).toBe(1);
      expect(await page.getByTestId('metrics-role').filter({ hasText: 'trained' }).count()).toBe(3);
      await screenshot(page, 'sample-5-compare');
      await expect.poll(step).toBe('3');

      // 4. Predict every image, export binary masks.
      await page.getByTestId('tour-go').click();
      // Compare's own prediction job may still be shown: wait for a new job to finish.
      const earlier = await page
        .getByTestId('predict-job')
        .getAttribute('data-job-id', { timeout: 1000 })
        .catch(() => null);
      await page.getByTestId('predict-project').click();
      await expect
        .poll(
          async () => {
            const job = page.getByTestId('predict-job');
            const id = await job.getAttribute('data-job-id');
            return id !== earlier && (await job.getAttribute('data-status')) === 'done';
          },
          { timeout: 180_000 },
        )
        .toBe(true);
      await page.getByTestId('export-folder').fill(out);
      await page.getByTestId('export-run').click();
      await expect.poll(() => page.getByTestId('export-result').getAttribute('data-files')).toBe('5');
      await expect.poll(step).toBe('-1');
      await screenshot(page, 'sample-6-exported');
    } catch (error) {
      await screenshot(page, 'sample-failure');
      throw error;
    }
    const minutes = (Date.now() - started) / 60_000;

    // Foreground IoU of the exported masks against the sample's truth, over all five images.
    let intersection = 0;
    let union = 0;
    const perImage: string[] = [];
    const dir = join(server.workspace, SAMPLE.folderName);
    for (const name of SAMPLE.images) {
      const mask = decode(readFileSync(join(out, name)));
      const truth = decode(readFileSync(join(dir, SAMPLE.truthFolder, name)));
      let i = 0;
      let u = 0;
      for (let p = 0; p < truth.data.length; p++) {
        const a = mask.data[p] > 0;
        const b = truth.data[p] > 0;
        if (a && b) i++;
        if (a || b) u++;
      }
      perImage.push(`${name} ${(i / u).toFixed(3)}`);
      intersection += i;
      union += u;
    }
    const iou = intersection / union;
    process.stdout.write(
      `sample tour: ${minutes.toFixed(1)} min, foreground IoU ${iou.toFixed(3)} (${perImage.join(', ')})\n`,
    );
    expect(iou).toBeGreaterThanOrEqual(0.75);
    expect(minutes).toBeLessThan(10);
  });
});
