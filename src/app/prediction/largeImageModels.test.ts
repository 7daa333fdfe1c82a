import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSlideTiff } from '../../../test/fixtures/slideTiff';
import { openProjectService, type ProjectService } from '../../../test/support/projectService';
import { saveTinyModel, tinyModelMetadata } from '../../../test/support/tinyModel';
import { LARGE_IMAGE_PIXELS, LazyTiff, legalInputSizes } from '../../engine/index';
import { TILE_SIZE } from '../../shared/imageData';
import type { ImageEntry } from '../../shared/schemas';
import { scorePrediction } from '../compare/scorePrediction';
import type { StudioService } from '../studioService';
import { largePredictionPaths } from './largePrediction';

// Predict, compare, export and accept on an image just over the whole-image limit, through the
// app API: each streams tile by tile or says what to do instead.
const [W, H] = [4200, 4100];
let ctx: ProjectService;
let h: StudioService['handlers'];
let entry: ImageEntry;
let projectDir: string;
const modelId = 'run_large0001.best';
/** The painted labels: (x0, y0) tile corners, a disc of object `k + 1` on background. */
const painted: [number, number][] = [
  [1024, 1536],
  [3584, 3584],
];

beforeAll(async () => {
  await tf.setBackend('cpu');
  ctx = await openProjectService('unet-large-models-');
  h = ctx.service.handlers;
  projectDir = join(ctx.root, 'p');
  await writeSlideTiff(join(projectDir, 'slide.tif'), W, H, 8);
  [entry] = (await h.importImages([join(projectDir, 'slide.tif')])).added;
  for (const [k, [x, y]] of painted.entries()) {
    const w = Math.min(TILE_SIZE, W - x);
    const rows = Math.min(TILE_SIZE, H - y);
    const classes = new Uint8Array(w * rows).fill(1);
    const instances = new Uint16Array(w * rows);
    for (let i = 0; i < w * rows; i++)
      if (((i % w) - 200) ** 2 + (Math.floor(i / w) - 200) ** 2 < 90 ** 2) {
        classes[i] = 2;
        instances[i] = k + 1;
      }
    await h.saveAnnotationPatch(entry.id, { x, y, w, h: rows, classes, instances });
  }
  const architecture = { depth: 2, baseFilters: 2, inputChannels: 1, classes: 2, dropout: 0 };
  const metadata = tinyModelMetadata(architecture, legalInputSizes(2, 40, 100)[0], {
    scale: 255,
    mean: [0.45],
    std: [0.25],
  });
  await saveTinyModel(join(projectDir, 'runs', 'run_large0001', 'best'), metadata, 3);
}, 120_000);
afterAll(() => ctx.dispose());

describe('a model on an image over the whole-image limit', () => {
  it('predicts it streamed into a tiled mask and objects CSV, and refuses whole-image uses by name', async () => {
    expect(W * H).toBeGreaterThan(LARGE_IMAGE_PIXELS);
    const started = await h.predictImages(modelId, { imageIds: [entry.id] });
    expect(await ctx.jobEnd(started.jobId)).toMatchObject({ kind: 'done' });
    const files = largePredictionPaths(projectDir, modelId, entry.id);
    const mask = await LazyTiff.open(files.mask);
    expect([mask.width, mask.height]).toEqual([W, H]);
    await mask.close();
    expect((await readFile(files.objects, 'utf8')).split('\n')[0]).toBe(
      'id,class,area,centroid_x,centroid_y,bbox_x,bbox_y,bbox_width,bbox_height',
    );
    await expect(h.getPrediction(modelId, entry.id)).rejects.toMatchObject({
      code: 'too_large',
      message: expect.stringContaining(`${entry.id}.mask.tif`),
    });
    await expect(h.acceptPrediction(entry.id, modelId, { save: true })).rejects.toMatchObject({
      code: 'too_large',
      message: expect.stringContaining('to take its prediction over whole'),
    });
    const tta = await h.predictImages(modelId, { imageIds: [entry.id], tta: true });
    expect(await ctx.jobEnd(tta.jobId)).toMatchObject({
      kind: 'failed',
      error: { code: 'invalid_argument', message: expect.stringContaining('without test-time augmentation') },
    });
  }, 240_000);

  it('compares it over its annotated tiles exactly as scoring the whole image would', async () => {
    const result = await h.compareModels([modelId], [entry.id]);
    expect(result.missing).toEqual([]);
    // Independent: the whole annotation and the whole streamed mask, scored in one piece.
    const classes = new Uint8Array(W * H);
    const instances = new Uint16Array(W * H);
    const { tiles } = await h.getLabelTileIndex(entry.id);
    for (const [tx, ty] of tiles) {
      const tile = await h.getLabelTile(entry.id, tx, ty);
      for (let y = 0; y < TILE_SIZE && ty * TILE_SIZE + y < H; y++)
        for (let x = 0; x < TILE_SIZE && tx * TILE_SIZE + x < W; x++) {
          const i = (ty * TILE_SIZE + y) * W + tx * TILE_SIZE + x;
          classes[i] = tile.classes[y * TILE_SIZE + x];
          instances[i] = tile.instances[y * TILE_SIZE + x];
        }
    }
    const mask = await LazyTiff.open(largePredictionPaths(projectDir, modelId, entry.id).mask);
    const whole = await mask.readRegion({ x: 0, y: 0, width: W, height: H });
    await mask.close();
    const predicted = Uint8Array.from(whole.data, (v) => (v > 0 ? 1 : 0));
    const expected = scorePrediction({ width: W, height: H, classes, instances }, predicted, 2);
    expect(expected).not.toBeNull();
    expect(result.rows[0].scores[0]).toEqual(expected);
  }, 120_000);

  it('exports tiled TIFF masks of the prediction and the annotation, and says what else to choose', async () => {
    const folder = join(ctx.root, 'export');
    const base = { imageIds: [entry.id], folder, format: 'tif' as const };
    const binary = await h.exportMasks({ ...base, modelId, kind: 'binary' });
    expect(binary.skipped).toEqual([]);
    const written = await LazyTiff.open(binary.files[0]);
    const source = await LazyTiff.open(largePredictionPaths(projectDir, modelId, entry.id).mask);
    const box = { x: 2000, y: 1900, width: 700, height: 600 };
    expect(Buffer.from((await written.readRegion(box)).data)).toEqual(
      Buffer.from((await source.readRegion(box)).data),
    );
    await Promise.all([written.close(), source.close()]);
    expect(await readFile(join(folder, 'slide.objects.csv'), 'utf8')).toBe(
      await readFile(largePredictionPaths(projectDir, modelId, entry.id).objects, 'utf8'),
    );
    const refused = await h.exportMasks({ ...base, modelId, kind: 'instances', naming: 'id' });
    expect(refused.skipped[0].reason).toContain('choose one of those');
    const png = await h.exportMasks({ ...base, format: 'png', modelId, kind: 'binary', naming: 'id' });
    expect(png.skipped[0].reason).toContain('choose TIFF');

    const labels = await h.exportMasks({ ...base, source: 'annotation', kind: 'classes', naming: 'id' });
    expect(labels.skipped).toEqual([]);
    const labelTiff = await LazyTiff.open(labels.files[0]);
    const [x, y] = painted[0];
    const region = await labelTiff.readRegion({ x: x - 10, y, width: TILE_SIZE + 10, height: 1 + 200 });
    await labelTiff.close();
    const at = (col: number, row: number) => region.data[row * (TILE_SIZE + 10) + col];
    // Unlabelled left of the painted tile, background in it, the disc's centre class 2.
    expect([at(5, 0), at(10, 0), at(210, 200)]).toEqual([0, 1, 2]);
    const csv = (await readFile(labels.csv, 'utf8')).trim().split('\n');
    expect(csv[1].split(',').slice(2, 5)).toEqual([String(W), String(H), '2']);
  }, 120_000);
});
