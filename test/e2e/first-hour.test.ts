import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode, encode } from 'fast-png';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelFolder, nearestLegalInputSize, writePrediction } from '../../src/engine/index';
import { saveTinyModel, tinyModelMetadata } from '../support/tinyModel';
import { launchBrowser, newPage, screenshot } from './support/browser';
import { type StudioServer, startStudioServer } from './support/studioServer';
import { clickImage, createProject, importImages, waitPainted } from './support/workstation';

const MODEL = 'run_e2e00001.last';

/** A 8-bit gray PNG of `w`x`h` whose pixel value is `value(x, y)`. */
function grayPng(path: string, w: number, h: number, value: (x: number, y: number) => number): string {
  const data = new Uint8Array(w * h).map((_, i) => value(i % w, Math.floor(i / w)));
  writeFileSync(path, encode({ width: w, height: h, data, depth: 8, channels: 1 }));
  return path;
}

/** A tiny model folder in the project, so the export screen lists a model (its weights are never run). */
async function writeTinyModel(projectDir: string): Promise<void> {
  const architecture = { depth: 1, baseFilters: 2, inputChannels: 1, classes: 2, dropout: 0 };
  const tile = nearestLegalInputSize(1, 24, 'up');
  const normalization = { scale: 255, mean: [0.5], std: [0.25] };
  await saveTinyModel(
    modelFolder(projectDir, MODEL),
    tinyModelMetadata(architecture, tile, normalization),
    7,
  );
}

describe('a first hour in the browser shell: errors, images, fill, export', () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    server = await startStudioServer();
    browser = await launchBrowser();
    page = await newPage(browser);
    page.setDefaultTimeout(60_000);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('says which folder is wrong when a project cannot be opened', async () => {
    await page.goto(server.url);
    await page.getByTestId('try-sample').waitFor();
    await page.getByTestId('project-dir').fill('/etc');
    await page.getByTestId('open-project').click();
    const message = page.getByTestId('error-message');
    await expect
      .poll(() => message.textContent())
      .toContain(`outside the allowed folder ${server.workspace}`);
    await page.getByTestId('project-dir').fill(join(server.workspace, 'missing'));
    await page.getByTestId('open-project').click();
    await expect
      .poll(() => message.textContent())
      .toBe(`Folder does not exist: ${join(server.workspace, 'missing')}`);
    await screenshot(page, 'first-hour-1-missing-folder');

    // No typed absolute path needed: browse the server's folders, name a new one.
    mkdirSync(join(server.workspace, 'lab data', 'run 1'), { recursive: true });
    await page.getByTestId('browse-folders').click();
    await expect.poll(() => page.getByTestId('folder-path').textContent()).toBe(server.workspace);
    await page.getByTestId('folder-entry').filter({ hasText: 'lab data' }).click();
    await expect
      .poll(() => page.getByTestId('folder-path').textContent())
      .toBe(join(server.workspace, 'lab data'));
    await page.getByTestId('folder-new-name').fill('picked');
    await screenshot(page, 'first-hour-1b-folder-picker');
    await page.getByTestId('folder-choose').click();
    expect(await page.getByTestId('project-dir').inputValue()).toBe(
      join(server.workspace, 'lab data', 'picked'),
    );
  });

  it('renames and removes images with in-app dialogs, and warns about a duplicate import', async () => {
    await createProject(page, join(server.workspace, 'p1'), 'First hour');
    const a = grayPng(join(server.workspace, 'a.png'), 64, 48, (x, y) => (x * 3 + y) % 256);
    const b = grayPng(join(server.workspace, 'b.png'), 64, 48, (x) => x * 4);
    await importImages(page, [a, b]);
    await importImages(page, [a]);
    await expect
      .poll(() => page.getByTestId('notice').textContent())
      .toMatch(/Already in the project.*a\.png/);
    await screenshot(page, 'first-hour-2-duplicate-notice');
    const items = page.getByTestId('image-item');
    expect(await items.count()).toBe(3);

    await items.nth(2).hover();
    await page.getByTestId('image-remove').nth(2).click();
    await expect.poll(() => page.getByTestId('dialog').textContent()).toMatch(/Remove a\.png/);
    await screenshot(page, 'first-hour-3-remove-dialog');
    await page.getByTestId('dialog-ok').click();
    await expect.poll(() => items.count()).toBe(2);

    await items.nth(1).hover();
    await page.getByTestId('image-rename').nth(1).click();
    await page.getByTestId('dialog-input').fill('control gradient.png');
    await page.keyboard.press('Enter');
    await expect.poll(() => items.nth(1).textContent()).toContain('control gradient.png');

    // Classes are renamed in the same kind of dialog (Electron has no window.prompt).
    await page.getByTestId('class-cell').dblclick();
    await page.getByTestId('dialog-input').fill('nucleus');
    await screenshot(page, 'first-hour-4-rename-class');
    await page.getByTestId('dialog-ok').click();
    await page.getByTestId('class-nucleus').waitFor();
  });

  it('fills a bright cell on the first click and refuses to flood the background', async () => {
    // A dim, noisy field with one bright disc (radius 10, 317 px) at (40, 24).
    let seed = 3;
    const noise = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return (seed / 2 ** 31 - 0.5) * 16;
    };
    const inDisc = (x: number, y: number) => (x + 0.5 - 40) ** 2 + (y + 0.5 - 24) ** 2 <= 100;
    const cell = grayPng(join(server.workspace, 'cell.png'), 80, 48, (x, y) =>
      Math.round((inDisc(x, y) ? 180 : 30) + noise()),
    );
    const [id] = await importImages(page, [cell]);
    await waitPainted(page);
    const tolerance = Number(await page.getByTestId('fill-tolerance').inputValue());
    // 15% of the 0.5-99.5 percentile range (~22-188) or 3 noise sd (~14): about 25 units.
    expect(tolerance).toBeGreaterThan(15);
    expect(tolerance).toBeLessThan(40);
    await page.keyboard.press('f');
    await clickImage(page, { x: 5.5, y: 5.5 });
    await expect
      .poll(() => page.getByTestId('notice').textContent())
      .toMatch(/Fill stopped: it would have covered 9\d%/);
    await screenshot(page, 'first-hour-5-fill-refused');
    await clickImage(page, { x: 40.5, y: 24.5 });
    await page.locator('[data-testid="save-state"][data-state="saved"]').waitFor({ timeout: 30_000 });
    const status = await page.locator(`[data-image-id="${id}"] [data-testid="image-status"]`).textContent();
    expect(status).toMatch(/1 objects/);
    await screenshot(page, 'first-hour-6-fill-cell');
    // The fill covers the disc (within a pixel of noise at the rim) and nothing outside it.
    const project = JSON.parse(readFileSync(join(server.workspace, 'p1', 'project.json'), 'utf8'));
    const labelled = project.images.find((i: { id: string }) => i.id === id).annotation.labelledPixels;
    expect(labelled).toBeGreaterThan(290);
    expect(labelled).toBeLessThan(360);
  });

  it('exports the other images when one prediction holds more than 65535 objects', async () => {
    const dir = join(server.workspace, 'p1');
    const project = JSON.parse(readFileSync(join(dir, 'project.json'), 'utf8'));
    const [first, second] = project.images as { id: string; width: number; height: number }[];
    await writeTinyModel(dir);
    // The first image: a 520x520 prediction of 1-px specks on a 2-px grid = 67,600 objects.
    const big = 520;
    const specks = new Uint8Array(big * big).map((_, i) =>
      (i % big) % 2 === 0 && Math.floor(i / big) % 2 === 0 ? 1 : 0,
    );
    await writePrediction(dir, MODEL, first.id, {
      width: big,
      height: big,
      classCount: 2,
      classes: specks,
      foreground: Float32Array.from(specks, (c) => (c ? 0.9 : 0.1)),
    });
    const { width, height } = second;
    const half = new Uint8Array(width * height).map((_, i) => (i % width < width / 2 ? 1 : 0));
    await writePrediction(dir, MODEL, second.id, {
      width,
      height,
      classCount: 2,
      classes: half,
      foreground: Float32Array.from(half, (c) => (c ? 0.9 : 0.1)),
    });

    await page.getByTestId('mode-export').click();
    // The model list arrives after the tab opens: the form for a model replaces the one without.
    await page.getByTestId('export-model').waitFor();
    const out = join(server.workspace, 'masks');
    await page.getByTestId('export-folder').fill(out);
    await page.getByTestId('export-kind').selectOption('instances');
    await page.getByTestId('export-min-size').fill('0');
    await page.getByTestId('export-run').click();
    const result = page.getByTestId('export-result');
    await result.waitFor();
    // Two images written, the specks' instance PNG reported (the third image is not predicted).
    expect(await result.getAttribute('data-files')).toBe('1');
    const skipped = (await page.getByTestId('export-skipped').textContent()) ?? '';
    expect(skipped).toMatch(/67,600 objects do not fit a 16-bit PNG/);
    expect(skipped).toMatch(/not predicted with/);
    await screenshot(page, 'first-hour-7-export-skipped');

    await page.getByTestId('export-kind').selectOption('binary');
    await page.getByTestId('export-run').click();
    await expect.poll(() => result.getAttribute('data-files')).toBe('2');
    const mask = decode(readFileSync(join(out, 'a.png')));
    expect(mask.width).toBe(big);
    expect(Array.from(mask.data, (v) => (v ? 1 : 0))).toEqual(Array.from(specks));
    const csv = readFileSync(join(out, 'objects.csv'), 'utf8').trim().split('\n');
    expect(csv[1].split(',').slice(0, 6)).toEqual(['a.png', 'a.png', '520', '520', '67600', '67600']);
  });
});
