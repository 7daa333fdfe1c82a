import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode, encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { modelFolder, nearestLegalInputSize, writePrediction } from '../../src/engine/index';
import { saveTinyModel, tinyModelMetadata } from '../support/tinyModel';
import { screenshot } from './support/browser';
import { useShell } from './support/shell';
import { clickImage, createProject, importImages, waitPainted, waitSaved } from './support/workstation';

const MODEL = 'run_audit0001.last';
const W = 64;
const H = 48;

/** Is (x, y) in the bright disc of image k (radius 9, centres apart so the images differ)? */
const inDisc = (k: number, x: number, y: number) => (x + 0.5 - 24 - 10 * k) ** 2 + (y + 0.5 - 24) ** 2 <= 81;

/** An 8-bit gray image with one bright disc, little noise: the default Fill takes the disc. */
function discPng(path: string, k: number): string {
  let seed = 11 + k;
  const data = Uint8Array.from({ length: W * H }, (_, i) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return Math.round((inDisc(k, i % W, Math.floor(i / W)) ? 190 : 40) + (seed / 2 ** 31 - 0.5) * 10);
  });
  writeFileSync(path, encode({ width: W, height: H, data, depth: 8, channels: 1 }));
  return path;
}

/**
 * The smaller items of a first hour, checked in the browser shell as a new user meets them:
 * paint tools only where they paint, the empty-validation warning, Compare scoring on its first
 * visit and keeping its view across images, no stale progress bar, class ids numbered as in
 * the app, and hand annotations exported as label images.
 */
describe('a first hour, the smaller items', () => {
  const shell = useShell();
  const ids: string[] = [];

  it('shows paint tools on Annotate only, and warns that one image gives no validation', async () => {
    const { server, page } = shell;
    await page.goto(server.url);
    await createProject(page, join(server.workspace, 'audit'), 'Audit');
    ids.push(
      ...(await importImages(page, [
        discPng(join(server.workspace, 'd0.png'), 0),
        discPng(join(server.workspace, 'd1.png'), 1),
      ])),
    );
    await page.keyboard.press('f');
    await clickImage(page, { x: 24.5, y: 24.5 });
    await waitSaved(page);
    expect(await page.getByTestId('tool-brush').count()).toBe(1);

    await page.getByTestId('mode-train').click();
    await page.getByTestId('training-form').waitFor();
    for (const tool of ['brush', 'eraser', 'polygon', 'fill', 'pick'])
      expect(await page.getByTestId(`tool-${tool}`).count()).toBe(0);
    expect(await page.getByTestId('undo').count()).toBe(0);
    // The run's time limit is a field of the form, not a hidden default.
    expect(await page.getByTestId('train-minutes').inputValue()).toMatch(/^\d+(\.\d+)?$/);
    const warning = page.getByTestId('train-val-warning');
    await expect.poll(() => warning.textContent()).toMatch(/With 1 training image, none can be held out/);
    await screenshot(page, 'audit-1-train-one-image');
    for (const mode of ['compare', 'export']) {
      await page.getByTestId(`mode-${mode}`).click();
      expect(await page.getByTestId('tool-brush').count()).toBe(0);
    }

    // The second image annotated too, the warning goes.
    await page.getByTestId('mode-annotate').click();
    await page.locator(`[data-image-id="${ids[1]}"]`).first().click();
    await page.locator(`[data-testid="canvas"][data-image-id="${ids[1]}"]`).waitFor();
    await waitPainted(page);
    await clickImage(page, { x: 34.5, y: 24.5 });
    await waitSaved(page);
    await page.getByTestId('mode-train').click();
    // Both annotated images are ticked: one can be held out.
    await page.locator('[data-testid="train-image"]:checked').nth(1).waitFor();
    await expect.poll(() => warning.count()).toBe(0);
  });

  it('Compare scores on its first visit and keeps swipe + difference when the image changes', async () => {
    const { server, page } = shell;
    const dir = join(server.workspace, 'audit');
    const architecture = { depth: 1, baseFilters: 2, inputChannels: 1, classes: 2, dropout: 0 };
    const tile = nearestLegalInputSize(1, 24, 'up');
    await saveTinyModel(
      modelFolder(dir, MODEL),
      tinyModelMetadata(architecture, tile, { scale: 255, mean: [0.5], std: [0.25] }),
      7,
    );
    // Predictions: each disc shifted 2 px right (so the difference view has all three colours).
    for (const [k, id] of ids.entries()) {
      const classes = Uint8Array.from({ length: W * H }, (_, i) =>
        inDisc(k, (i % W) - 2, Math.floor(i / W)) ? 1 : 0,
      );
      await writePrediction(dir, MODEL, id, {
        width: W,
        height: H,
        classCount: 2,
        classes,
        foreground: Float32Array.from(classes, (c) => (c ? 0.9 : 0.1)),
      });
    }
    await page.getByTestId('mode-compare').click();
    // No "Recompute metrics" click: the first visit scores both images.
    await expect.poll(() => page.getByTestId('metrics-row').count(), { timeout: 60_000 }).toBe(2);
    await page.locator(`[data-testid="metrics-row"][data-image-id="${ids[0]}"]`).click();
    await page.locator(`[data-testid="compare-viewer"][data-image-id="${ids[0]}"]`).waitFor();
    await page.getByTestId('left-layer').selectOption('difference');
    await page.getByTestId('layout-swipe').click();
    await page.getByTestId('compare-swipe').waitFor();
    await page.locator(`[data-testid="metrics-row"][data-image-id="${ids[1]}"]`).click();
    await page.locator(`[data-testid="compare-viewer"][data-image-id="${ids[1]}"]`).waitFor();
    expect(await page.getByTestId('compare-swipe').count()).toBe(1);
    expect(await page.getByTestId('left-layer').inputValue()).toBe('difference');
    await screenshot(page, 'audit-2-compare-kept-swipe');
  });

  it('exports class ids as the app numbers them, predicts without leaving a full bar, exports hand labels', async () => {
    const { server, page, api } = shell;
    const dir = join(server.workspace, 'audit');
    await page.getByTestId('mode-export').click();
    await page.getByTestId('export-model').waitFor();
    const out = join(server.workspace, 'class-ids');
    await page.getByTestId('export-folder').fill(out);
    await page.getByTestId('export-source').selectOption('prediction');
    await page.getByTestId('export-kind').selectOption('classes');
    await page.getByTestId('export-min-size').fill('0');
    await page.getByTestId('export-run').click();
    await expect.poll(() => page.getByTestId('export-result').getAttribute('data-files')).toBe('2');
    const predicted = decode(readFileSync(join(dir, 'predictions', MODEL, `${ids[0]}.classes.png`)));
    const mask = decode(readFileSync(join(out, 'd0.png')));
    // Background 1, cell 2: the ids of the class list, not the network's 0/1.
    expect(Array.from(mask.data)).toEqual(Array.from(predicted.data, (c) => c + 1));
    expect(new Set(mask.data)).toEqual(new Set([1, 2]));

    // Predicting anew replaces those predictions; a finished job says so in words, without a full bar.
    await page.getByTestId('predict-project').click();
    const job = page.locator('[data-testid="predict-job"][data-status="done"]');
    await job.waitFor({ timeout: 120_000 });
    expect(await job.locator('progress').count()).toBe(0);
    expect(await job.textContent()).not.toMatch(/100%/);
    await screenshot(page, 'audit-3-predicted-no-stale-bar');

    const hand = join(server.workspace, 'hand-labels');
    await page.getByTestId('export-source').selectOption('annotation');
    await page.getByTestId('export-kind').selectOption('classes');
    await page.getByTestId('export-folder').fill(hand);
    await page.getByTestId('export-run').click();
    await expect.poll(() => existsSync(join(hand, 'objects.csv'))).toBe(true);
    expect(await page.getByTestId('export-result').getAttribute('data-files')).toBe('2');
    await screenshot(page, 'audit-4-exported-hand-labels');
    for (const [k, id] of ids.entries()) {
      const saved = await api.getAnnotation(id);
      if (!saved.ok) throw new Error(saved.error.message);
      const file = decode(readFileSync(join(hand, `d${k}.png`)));
      expect(Array.from(file.data)).toEqual(Array.from(saved.value.classes));
      expect(saved.value.classes.filter((c) => c === 2).length).toBeGreaterThan(200);
    }
  });

  it('says, and keeps saying after it is done, that a folder of gray images went through an RGB model', async () => {
    const { server, page } = shell;
    const dir = join(server.workspace, 'audit');
    const rgbModel = 'run_audit0002.last';
    const architecture = { depth: 1, baseFilters: 2, inputChannels: 3, classes: 2, dropout: 0 };
    const tile = nearestLegalInputSize(1, 24, 'up');
    const normalization = { scale: 255, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] };
    await saveTinyModel(modelFolder(dir, rgbModel), tinyModelMetadata(architecture, tile, normalization), 8);
    const folder = join(server.workspace, 'gray-folder');
    mkdirSync(folder);
    discPng(join(folder, 'g0.png'), 0);
    discPng(join(folder, 'g1.png'), 1);
    await page.getByTestId('mode-annotate').click();
    await page.getByTestId('mode-export').click();
    await page.getByTestId('export-model').selectOption(rgbModel);
    await page.getByTestId('predict-folder').fill(folder);
    // The project's prediction job is still listed: wait for the row of a new one.
    const before = await page.getByTestId('predict-job').getAttribute('data-job-id');
    await page.getByTestId('predict-folder-run').click();
    const job = page.locator(
      `[data-testid="predict-job"][data-status="done"]:not([data-job-id="${before}"])`,
    );
    await job.waitFor({ timeout: 120_000 });
    expect(await job.textContent()).toMatch(/done: 2 image\(s\) predicted, masks in \S*folders\/gray-folder/);
    await expect
      .poll(() => page.getByTestId('predict-note').textContent())
      .toMatch(/2 image\(s\): 1-channel image repeated into the 3 \(RGB\) channels the model was trained on/);
    await screenshot(page, 'audit-5-rgb-model-gray-folder');
  });
});
