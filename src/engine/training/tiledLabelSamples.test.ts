import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTiledTiff } from '../../../test/support/tiledTiff';
import { TILE_SIZE } from '../../shared/imageData';
import type { RasterImage } from '../image/index';
import { DEFAULT_PERCENTILE_NORMALIZATION } from '../model/types';
import { writeLabelTiles } from '../project/labelTiles';
import { computeAnnotationWeightMap } from '../weightmap/index';
import { applyNormalization } from './normalization';
import { tiledLabelSamples } from './tiledLabelSamples';
import { normalizeSamples } from './trainingData';

// A 1300x1100 16-bit image whose labels lie in four stored tiles: (0,0) and (1,0) (one run,
// with a cell across their shared edge), (0,1) (a cell 8 px from one in (0,0)) and (2,1),
// which the image's right edge clips.
const W = 1300;
const H = 1100;
const CONTEXT = 92;
const STORED: [number, number][] = [
  [0, 0],
  [1, 0],
  [0, 1],
  [2, 1],
];
const img: RasterImage = {
  width: W,
  height: H,
  channels: 1,
  bitDepth: 16,
  data: Uint16Array.from({ length: W * H }, (_, i) => (i * 7919 + ((i * i) % 4099)) % 65536),
};
const classes = new Uint8Array(W * H);
const instances = new Int32Array(W * H);
let dir = '';

function stored(x: number, y: number): boolean {
  return STORED.some(([tx, ty]) => Math.floor(x / TILE_SIZE) === tx && Math.floor(y / TILE_SIZE) === ty);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tiled-labels-'));
  await writeTiledTiff(join(dir, 'slide.tif'), img, 256);
  // Background everywhere in the stored tiles; cells (class 2, one id each) with close neighbours.
  const cells = [
    [512, 200, 40],
    [430, 200, 35],
    [700, 400, 30],
    [300, 488, 20],
    [300, 536, 20],
    [1150, 800, 45],
    [1230, 700, 30],
  ];
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      if (!stored(x, y)) continue;
      const i = y * W + x;
      classes[i] = 1;
      for (const [k, [cx, cy, r]] of cells.entries())
        if ((x - cx) ** 2 + (y - cy) ** 2 < r * r) {
          classes[i] = 2;
          instances[i] = k + 1;
        }
    }
  const tiles = STORED.map(([tx, ty]) => {
    const data = { classes: new Uint8Array(TILE_SIZE ** 2), instances: new Uint16Array(TILE_SIZE ** 2) };
    for (let y = 0; y < TILE_SIZE; y++)
      for (let x = 0; x < TILE_SIZE; x++) {
        const [ix, iy] = [tx * TILE_SIZE + x, ty * TILE_SIZE + y];
        if (ix >= W || iy >= H) continue;
        data.classes[y * TILE_SIZE + x] = classes[iy * W + ix];
        data.instances[y * TILE_SIZE + x] = instances[iy * W + ix];
      }
    return { tx, ty, data };
  });
  await writeLabelTiles(dir, 'img', tiles);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const options = {
  channels: 1 as const,
  numClasses: 2,
  w0: 10,
  sigma: 5,
  classBalance: false,
  context: CONTEXT,
};

describe('tiledLabelSamples', () => {
  it('gives the whole image’s targets, weights and normalised pixels on the stored tiles, and nothing else', async () => {
    const samples = await tiledLabelSamples(join(dir, 'slide.tif'), dir, 'img', options);
    // The whole image's weight map and normalised pixels: what loading it whole would give.
    const whole = computeAnnotationWeightMap({ classes, instances, width: W, height: H, ...options });
    const pixels = applyNormalization(
      Float32Array.from(img.data, (v) => v / 65535),
      1,
      DEFAULT_PERCENTILE_NORMALIZATION,
    );
    await normalizeSamples(samples, DEFAULT_PERCENTILE_NORMALIZATION);
    const regions = [
      { x: 0, y: 0, width: 1024, height: 512 },
      { x: 0, y: 512, width: 512, height: 512 },
      { x: 1024, y: 512, width: W - 1024, height: 512 },
    ];
    // (0, 1) is a run of its own: the border weights between its cell at y = 536 and the cell
    // at y = 488 in (0, 0) need the labels of (0, 0) around it.
    expect(samples.map((s) => s.name)).toEqual(['slide (0, 0)', 'slide (0, 512)', 'slide (1024, 512)']);
    let labelled = 0;
    for (const [k, sample] of samples.entries()) {
      const r = regions[k];
      const x0 = Math.max(0, r.x - CONTEXT);
      const y0 = Math.max(0, r.y - CONTEXT);
      expect([sample.width, sample.height]).toEqual([
        Math.min(W, r.x + r.width + CONTEXT) - x0,
        Math.min(H, r.y + r.height + CONTEXT) - y0,
      ]);
      let worstWeight = 0;
      let worstPixel = 0;
      for (let y = 0; y < sample.height; y++)
        for (let x = 0; x < sample.width; x++) {
          const [ix, iy] = [x0 + x, y0 + y];
          const s = y * sample.width + x;
          const i = iy * W + ix;
          const inside = ix >= r.x && ix < r.x + r.width && iy >= r.y && iy < r.y + r.height;
          const weight = inside ? whole.weights[i] : 0;
          worstWeight = Math.max(worstWeight, Math.abs(sample.weights[s] - weight));
          if (inside && weight > 0) expect(sample.targets[s]).toBe(whole.targets[i]);
          worstPixel = Math.max(worstPixel, Math.abs(sample.image[s] - pixels[i]));
        }
      expect(worstWeight).toBeLessThan(1e-4);
      expect(worstPixel).toBeLessThan(1e-4);
      labelled += sample.labelledPixels;
    }
    let wanted = 0;
    for (const w of whole.weights) if (w > 0) wanted++;
    expect(labelled).toBe(wanted);
  });

  it('names the tile and the class when a label is not a class of the model', async () => {
    const bad = { classes: new Uint8Array(TILE_SIZE ** 2), instances: new Uint16Array(TILE_SIZE ** 2) };
    bad.classes[3 * TILE_SIZE + 5] = 3;
    await writeLabelTiles(dir, 'bad', [{ tx: 1, ty: 1, data: bad }]);
    await expect(tiledLabelSamples(join(dir, 'slide.tif'), dir, 'bad', options)).rejects.toMatchObject({
      code: 'invalid_argument',
      message: expect.stringContaining('class 3 at (517, 515)'),
    });
  });
});
