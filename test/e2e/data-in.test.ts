import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { decode } from 'fast-png';
import { unzipSync, zipSync } from 'fflate';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { legalInputSizes, type RasterImage, writePng, writeTiff } from '../../src/engine/index';
import { saveTinyModel, tinyModelMetadata } from '../support/tinyModel';
import { launchBrowser, newPage, screenshot } from './support/browser';
import { type StudioServer, startStudioServer } from './support/studioServer';
import { createProject, importImages, waitSaved } from './support/workstation';

const W = 64;
const H = 48;
/** Pixels of the square object of image/mask a: x 10..29, y 8..23. */
const inSquare = (i: number) => i % W >= 10 && i % W < 30 && Math.floor(i / W) >= 8 && Math.floor(i / W) < 24;
const gray8 = (value: (i: number) => number, width = W, height = H): RasterImage => ({
  width,
  height,
  channels: 1,
  bitDepth: 8,
  data: Uint8Array.from({ length: width * height }, (_, i) => value(i)),
});

/** 3 channels, 16-bit, 96 x 64: a nucleus disc in 0..3399, a gradient, a ring. */
function fluorescence(): RasterImage & { channels: 3 } {
  const w = 96;
  const h = 64;
  const data = new Uint16Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const r = Math.hypot(x - 48, y - 32);
      const i = (y * w + x) * 3;
      data[i] = r < 18 ? 3399 - Math.round(r * 40) : 100;
      data[i + 1] = 200 + x * 20;
      data[i + 2] = Math.abs(r - 24) < 3 ? 1500 : 50;
    }
  }
  return { width: w, height: h, channels: 3, bitDepth: 16, data };
}

/**
 * The saved labels of a small image (one 512x512 label tile, `annotations/<id>/0_0.*.png`,
 * cropped to the image; no tile file = nothing labelled), read straight from disk.
 */
function annotationOf(projectDir: string, imageId: string): { classes: number[]; instances: number[] } {
  const manifest = JSON.parse(readFileSync(join(projectDir, 'project.json'), 'utf8')) as {
    images: { id: string; width: number; height: number }[];
  };
  const entry = manifest.images.find((i) => i.id === imageId);
  if (!entry || entry.width > 512 || entry.height > 512) throw new Error(`${imageId}: not a one-tile image`);
  const read = (kind: string): number[] => {
    const file = join(projectDir, 'annotations', imageId, `0_0.${kind}.png`);
    if (!existsSync(file)) return new Array<number>(entry.width * entry.height).fill(0);
    const tile = decode(readFileSync(file));
    const out: number[] = [];
    for (let y = 0; y < entry.height; y++)
      for (let x = 0; x < entry.width; x++) out.push(tile.data[y * tile.width + x]);
    return out;
  };
  return { classes: read('classes'), instances: read('instances') };
}

describe('bring data in, take a model out (browser shell)', () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;
  let dir: string;

  beforeAll(async () => {
    server = await startStudioServer();
    dir = server.workspace;
    for (const sub of ['images', 'masks', 'bad']) mkdirSync(join(dir, sub));
    await writePng(
      join(dir, 'images', 'cells_a.png'),
      gray8((i) => (inSquare(i) ? 200 : 30)),
    );
    await writePng(
      join(dir, 'images', 'cells_b.png'),
      gray8((i) => 40 + (i % 7)),
    );
    await writePng(
      join(dir, 'masks', 'cells_a.png'),
      gray8((i) => (inSquare(i) ? 255 : 0)),
    );
    // Instance ids 300 and 7 on b: two objects side by side.
    const ids = Uint16Array.from({ length: W * H }, (_, i) => (i % W < 5 ? 300 : i % W < 9 ? 7 : 0));
    await writeTiff(join(dir, 'masks', 'cells_b_masks.tif'), {
      width: W,
      height: H,
      channels: 1,
      bitDepth: 16,
      data: ids,
    });
    await writePng(
      join(dir, 'bad', 'cells_b.png'),
      gray8(() => 0, 10, 10),
    );
    // Any name: imported with "For this image…" (the nucleus disc of fluo.tif, radius 18).
    await writePng(
      join(dir, 'fluo-nucleus.png'),
      gray8((i) => (Math.hypot((i % 96) - 48, Math.floor(i / 96) - 32) < 18 ? 255 : 0), 96, 64),
    );
    await writeTiff(join(dir, 'images', 'fluo.tif'), fluorescence(), {
      pixelSize: { x: 0.325, y: 0.325 },
      layout: 'hyperstack',
    });
    browser = await launchBrowser();
    page = await newPage(browser);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('imports a folder of masks as annotations (one undo step), refusing a bad batch whole', async () => {
    await page.goto(server.url);
    await page.getByTestId('create-project').waitFor();
    const projectDir = join(dir, 'data-in');
    await createProject(page, projectDir, 'Data in');
    const [a, b] = await importImages(page, [
      join(dir, 'images', 'cells_a.png'),
      join(dir, 'images', 'cells_b.png'),
    ]);
    // The whole folder, as Folder… picks it (a directory input).
    await page.getByTestId('mask-import-folder-input').setInputFiles(join(dir, 'masks'));
    const report = page.getByTestId('mask-import-report');
    await report.waitFor();
    expect(await report.textContent()).toContain('2 mask(s) imported, 3 objects');
    await waitSaved(page);
    await screenshot(page, 'data-in-1-masks-imported');
    const labelsA = annotationOf(projectDir, a);
    expect(labelsA.classes).toEqual(Array.from({ length: W * H }, (_, i) => (inSquare(i) ? 2 : 1)));
    const labelsB = annotationOf(projectDir, b);
    expect(labelsB.instances.slice(0, 10)).toEqual([1, 1, 1, 1, 1, 2, 2, 2, 2, 0]);
    expect(await page.getByTestId('image-status').first().textContent()).toBe('100.0% labelled · 1 objects');

    // The shown image (a) took the import as one undo step: Ctrl+Z empties it again, on disk too.
    await page.keyboard.press('Control+z');
    await waitSaved(page);
    await expect.poll(() => annotationOf(projectDir, a).classes.every((v) => v === 0)).toBe(true);
    await page.keyboard.press('Control+Shift+z');
    await waitSaved(page);
    await expect.poll(() => annotationOf(projectDir, a).classes.filter((v) => v === 2).length).toBe(320);

    // A batch with one mask of another size: a clear error naming both files, nothing written.
    await page
      .getByTestId('mask-import-input')
      .setInputFiles([join(dir, 'masks', 'cells_a.png'), join(dir, 'bad', 'cells_b.png')]);
    const error = page.getByTestId('mask-import-error');
    await error.waitFor();
    expect(await error.textContent()).toBe(
      'Nothing imported: Mask cells_b.png is 10x10 but image cells_b.png is 64x48.',
    );
    expect(await page.getByTestId('error').getAttribute('data-code')).toBe('size_mismatch');
    expect(annotationOf(projectDir, b)).toEqual(labelsB);
    await screenshot(page, 'data-in-2-bad-mask');
  });

  it('shows a 3-channel 16-bit hyperstack as a composite with channel windows and its pixel size', async () => {
    const projectDir = join(dir, 'data-in');
    const [fluo] = await importImages(page, [join(dir, 'images', 'fluo.tif')]);
    const panel = page.getByTestId('display-panel');
    await panel.getByTestId('channel-2').waitFor();
    expect(await page.getByTestId('status-image').textContent()).toBe(
      '0.325 µm/px · Channel 1, Channel 2, Channel 3',
    );
    expect(await panel.getByTestId('display-info').textContent()).toContain('3 channels');
    // The sliders span the data (0..3399 in channel 1), not 0..65535.
    expect(await panel.getByTestId('channel-0-max').getAttribute('max')).toBe('3399');
    expect(await panel.getByTestId('channel-0-min').getAttribute('min')).toBe('100');
    await screenshot(page, 'data-in-3-composite');
    await panel.getByTestId('channel-1-visible').uncheck();
    // Saved with the project, for this image only.
    await expect
      .poll(() => {
        const manifest = JSON.parse(readFileSync(join(projectDir, 'project.json'), 'utf8'));
        const entry = manifest.images.find((i: { id: string }) => i.id === fluo);
        return entry.display?.channels.map((c: { visible: boolean }) => c.visible);
      })
      .toEqual([true, false, true]);
    await screenshot(page, 'data-in-4-composite-channel-2-hidden');

    // Display settings belong to their image: a LUT on cells_a stays there.
    const show = async (n: number) => {
      const item = page.getByTestId('image-item').nth(n);
      await item.click();
      const id = await item.getAttribute('data-image-id');
      await page.locator(`[data-testid="canvas"][data-image-id="${id}"][data-painted="yes"]`).waitFor();
    };
    await show(0);
    await page.getByTestId('lut').selectOption('fire');
    await show(1);
    expect(await page.getByTestId('lut').inputValue()).toBe('gray');
    await show(2);
    expect(await page.getByTestId('lut').count()).toBe(0); // a composite has colours, not a LUT
    expect(await panel.getByTestId('channel-1-visible').isChecked()).toBe(false);
    await show(0);
    expect(await page.getByTestId('lut').inputValue()).toBe('fire');
    await screenshot(page, 'data-in-5-lut-stays-with-its-image');
    type Saved = { name: string; pixelSize?: unknown; display?: { lut: string; channels: unknown[] } };
    const saved = (): Saved[] => JSON.parse(readFileSync(join(projectDir, 'project.json'), 'utf8')).images;
    // Saved for the two images whose display was changed, each its own; cells_b has none.
    await expect
      .poll(() => saved().map((i) => [i.name, i.display?.lut ?? null, i.display?.channels.length ?? null]))
      .toEqual([
        ['cells_a.png', 'fire', 0],
        ['cells_b.png', null, null],
        ['fluo.tif', 'gray', 3],
      ]);
    expect(saved()[2].pixelSize).toEqual({ x: 0.325, y: 0.325 });

    // A mask for the shown image whatever its name ("For this image…"), then the Train tab
    // offers to choose the channels that train.
    await show(2);
    await page.getByTestId('mask-import-one-input').setInputFiles(join(dir, 'fluo-nucleus.png'));
    await page
      .getByTestId('mask-import-report')
      .filter({ hasText: '1 mask(s) imported, 1 objects' })
      .waitFor();
    await page.getByTestId('mode-train').click();
    const chooser = page.getByTestId('train-channels');
    await chooser.waitFor();
    await chooser.getByTestId('train-channels-all').uncheck();
    await chooser.getByTestId('train-channel-0').uncheck();
    await chooser.getByTestId('train-channel-2').check();
    expect(await chooser.locator('input:checked').count()).toBe(1);
    // Any number of channels trains (the network takes as many): two is no error.
    await chooser.getByTestId('train-channel-1').check();
    expect(await chooser.locator('input:checked').count()).toBe(2);
    expect(await chooser.textContent()).not.toContain('Choose at least one channel');
    expect(await chooser.getByTestId('train-channels-count').textContent()).toBe(
      'The model takes 2 channels (2, 3) and predicts with the same ones.',
    );
    expect(await chooser.getByTestId('train-channels-lacking').textContent()).toBe(
      'Without these channels: cells_a.png, cells_b.png (leave them out).',
    );
    await screenshot(page, 'data-in-6-train-channel-chooser');
    await page.getByTestId('mode-annotate').click();
  });

  it('exports a model package (then unzipped and checked) and opens a third-party one', async () => {
    const projectDir = join(dir, 'data-in');
    await tf.setBackend('cpu');
    const tileSize = legalInputSizes(2, 60, 200)[0];
    const architecture = { depth: 2, baseFilters: 4, inputChannels: 1, classes: 2, dropout: 0 };
    await saveTinyModel(
      join(projectDir, 'runs', 'run_e2e0001', 'best'),
      tinyModelMetadata(architecture, tileSize, { scale: 255, mean: [0.4], std: [0.2] }),
      3,
    );
    await page.getByTestId('mode-export').click();
    const panel = page.getByTestId('model-package');
    await panel.getByTestId('package-export').waitFor();
    await panel.getByTestId('package-name').fill('Square cells U-Net');
    await panel.getByTestId('package-authors').fill('Jane Doe (Cell Lab); John Roe');
    await panel.getByTestId('package-license').selectOption('MIT');
    await screenshot(page, 'data-in-7-package-form');
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 120_000 }),
      panel.getByTestId('package-export').click(),
    ]);
    expect(download.suggestedFilename()).toBe('Square_cells_U-Net.zip');
    const saved = join(dir, 'downloaded.zip');
    await download.saveAs(saved);
    const files = unzipSync(new Uint8Array(readFileSync(saved)));
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining([
        'rdf.yaml',
        'weights.onnx',
        'test_input.npy',
        'test_output.npy',
        'cover.png',
        'README.md',
      ]),
    );
    const rdf = parse(new TextDecoder().decode(files['rdf.yaml']));
    expect(rdf.name).toBe('Square cells U-Net');
    expect(rdf.license).toBe('MIT');
    expect(rdf.authors).toEqual([{ name: 'Jane Doe', affiliation: 'Cell Lab' }, { name: 'John Roe' }]);
    expect(readdirSync(join(projectDir, 'exports'))).toContain('Square_cells_U-Net.zip');
    await page.getByTestId('package-status').filter({ hasText: 'Saved' }).waitFor();
    await screenshot(page, 'data-in-8-package-exported');

    // A package from elsewhere (PyTorch-exported ONNX, its own rdf.yaml) becomes a model here.
    const fixture = join(__dirname, '..', 'fixtures', 'bioimageio', 'tiny-unet2d');
    const zip = zipSync(
      Object.fromEntries(
        readdirSync(fixture).map((name) => [name, new Uint8Array(readFileSync(join(fixture, name)))]),
      ),
    );
    writeFileSync(join(dir, 'tiny-unet2d.zip'), zip);
    await panel.getByTestId('package-open-input').setInputFiles(join(dir, 'tiny-unet2d.zip'));
    await page.getByTestId('package-status').filter({ hasText: 'Added' }).waitFor({ timeout: 60_000 });
    const options = await panel.getByTestId('package-model').locator('option').allTextContents();
    expect(options.some((o) => o.includes('package tiny-unet2d.zip'))).toBe(true);
    await screenshot(page, 'data-in-9-package-opened');
  });
});
