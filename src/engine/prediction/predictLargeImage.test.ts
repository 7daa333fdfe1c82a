import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPython } from '../../../test/support/python';
import { itNeeds, pythonWith } from '../../../test/support/requirement';
import { writeTiledTiff } from '../../../test/support/tiledTiff';
import { saveTinyModel, tinyModelMetadata } from '../../../test/support/tinyModel';
import { LazyTiff, type RasterImage } from '../image/index';
import { connectedComponents } from '../metrics/index';
import type { UNetConfig } from '../model/types';
import { type ModelPredictor, openModelPredictor } from './modelPredictor';
import { predictLargeImage } from './predictLargeImage';
import { rasterSource } from './regionSource';

const CONFIG: UNetConfig = { depth: 2, baseFilters: 2, inputChannels: 1, classes: 2, dropout: 0 };
const NORM = { kind: 'percentile' as const, low: 1, high: 99.8, perChannel: true, epsilon: 1e-6 };
const SIDE = 3000;
/** A legal depth-2 tile: 540 -> 500 px out (the net loses 40 px), 36 tiles for 3000 px. */
const TILE = 540;
let dir = '';
let model: ModelPredictor;
let image: RasterImage;

/** Bright discs of radius 6..20 on a noisy ramp: cells, some of them on any tile seam. */
function syntheticCells(side: number): RasterImage {
  const data = new Uint8Array(side * side);
  let seed = 12345;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let i = 0; i < data.length; i++) data[i] = 30 + ((i % side) >> 7) + Math.floor(random() * 20);
  for (let k = 0; k < (side * side) / 1500; k++) {
    const cx = random() * side;
    const cy = random() * side;
    const r = 6 + random() * 14;
    for (let y = Math.max(0, Math.floor(cy - r)); y < Math.min(side, cy + r); y++)
      for (let x = Math.max(0, Math.floor(cx - r)); x < Math.min(side, cx + r); x++)
        if ((x - cx) ** 2 + (y - cy) ** 2 < r * r) data[y * side + x] = 180 + Math.floor(random() * 60);
  }
  return { width: side, height: side, channels: 1, bitDepth: 8, data };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'predict-large-'));
  await saveTinyModel(join(dir, 'model'), tinyModelMetadata(CONFIG, 92, NORM), 7);
  model = await openModelPredictor(join(dir, 'model'), { backend: 'onnx', threads: 2, tileSize: TILE });
  image = syntheticCells(SIDE);
  await writeTiledTiff(join(dir, 'cells.tif'), image, 256);
});
afterAll(async () => {
  await model?.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('predictLargeImage', () => {
  it('streams a 3000x3000 TIFF to the same class map as one whole-image pass, objects unsplit', async () => {
    const tensors = tf.memory().numTensors;
    const whole = await model.predict(image);
    const firstPass: [number, number][] = [];
    const result = await predictLargeImage(model, {
      input: join(dir, 'cells.tif'),
      maskPath: join(dir, 'out', 'cells.tif'),
      objectsPath: join(dir, 'out', 'cells_objects.csv'),
      onFirstPass: (rowsRead, rows) => firstPass.push([rowsRead, rows]),
    });
    // The percentile pass reads the image once in bands of 4M samples: 1398 rows of 3000.
    expect(firstPass).toEqual([
      [1398, SIDE],
      [2796, SIDE],
      [SIDE, SIDE],
    ]);
    expect(result.tileSize).toBe(TILE);
    expect(whole.tileSize).toBe(TILE);
    expect(result.tiles).toBe(whole.tiles);
    expect(result.tiles).toBe(36);

    const mask = await LazyTiff.open(join(dir, 'out', 'cells.tif'));
    const streamed = (await mask.readRegion({ x: 0, y: 0, width: SIDE, height: SIDE })).data;
    expect(mask.levels.length).toBeGreaterThan(1);
    await mask.close();
    const expected = whole.classes.map((c) => c * 255);
    let differing = 0;
    for (let i = 0; i < expected.length; i++) if (streamed[i] !== expected[i]) differing++;
    expect(differing).toBe(0);
    const foreground = whole.classes.reduce((s, c) => s + c, 0);
    expect(foreground).toBeGreaterThan(0.02 * SIDE * SIDE);
    expect(foreground).toBeLessThan(0.98 * SIDE * SIDE);

    // Objects: the whole-image labelling is the reference, row for row of the CSV.
    const reference = connectedComponents(whole.classes, SIDE, SIDE, 4);
    const csv = (await readFile(join(dir, 'out', 'cells_objects.csv'), 'utf8')).trim().split('\n');
    expect(csv[0]).toBe('id,class,area,centroid_x,centroid_y,bbox_x,bbox_y,bbox_width,bbox_height');
    expect(csv.length - 1).toBe(reference.count);
    const boxes = referenceBoxes(reference.labels, reference.count, SIDE);
    // Objects crossing a seam between tile rows/columns (stride = output size rounded to 4).
    const stride = 500;
    let crossing = 0;
    for (let id = 1; id <= reference.count; id++) {
      const [area, x0, y0, x1, y1] = boxes[id];
      expect(csv[id]).toMatch(
        new RegExp(`^${id},1,${area},[0-9.]+,[0-9.]+,${x0},${y0},${x1 - x0 + 1},${y1 - y0 + 1}$`),
      );
      if (
        Math.floor(x0 / stride) !== Math.floor(x1 / stride) ||
        Math.floor(y0 / stride) !== Math.floor(y1 / stride)
      )
        crossing++;
    }
    // The untrained net still finds a few hundred objects; some of them lie across seams.
    expect(reference.count).toBeGreaterThan(100);
    expect(crossing).toBeGreaterThanOrEqual(5);
    expect(tf.memory().numTensors).toBe(tensors);
    expect((await readdir(join(dir, 'out'))).sort()).toEqual(['cells.tif', 'cells_objects.csv']);
  }, 120_000);
});

const withScipy = pythonWith(['numpy', 'scipy', 'tifffile'], ['python3-scipy', 'python3-tifffile']);

describe('the streamed outputs, read by tifffile and labelled by scipy', () => {
  // Runs after the 3000x3000 test above, on its outputs.
  itNeeds(withScipy)('scipy.ndimage.label of the BigTIFF mask gives the CSV, object for object', () => {
    const script = `import sys, numpy as np, tifffile
from scipy import ndimage
with tifffile.TiffFile(sys.argv[1]) as t:
    mask = t.pages[0].asarray()
labels, n = ndimage.label(mask > 0)  # 4-connectivity, raster order of first pixels
areas = np.bincount(labels.ravel())
centres = ndimage.center_of_mass(mask > 0, labels, range(1, n + 1))
for i, (box, (cy, cx)) in enumerate(zip(ndimage.find_objects(labels), centres), 1):
    ys, xs = box
    print(f"{i},1,{areas[i]},{cx!r},{cy!r},{xs.start},{ys.start},{xs.stop - xs.start},{ys.stop - ys.start}")
`;
    const lines = runPython(withScipy.python, script, [join(dir, 'out', 'cells.tif')]);
    const csv = readFileSync(join(dir, 'out', 'cells_objects.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1);
    expect(lines.length).toBeGreaterThan(100);
    expect(lines.length).toBe(csv.length);
    // Ids, classes, areas and boxes exactly; centroids to the CSV's 3 decimals.
    const fields = (line: string) => line.split(',').map(Number);
    lines.forEach((line, k) => {
      const [a, b] = [fields(line), fields(csv[k])];
      expect([...a.slice(0, 3), ...a.slice(5)]).toEqual([...b.slice(0, 3), ...b.slice(5)]);
      expect(Math.abs(a[3] - b[3]) + Math.abs(a[4] - b[4])).toBeLessThan(1e-3);
    });
  });
});

describe('predictRegions on TF.js', () => {
  it('equals predict on a mirrored-edge case (image smaller than a tile in y) and frees its tensors', async () => {
    const tfModel = await openModelPredictor(join(dir, 'model'), { backend: 'tfjs', tileSize: 132 });
    try {
      const small = syntheticCells(300);
      const img: RasterImage = { ...small, height: 70, data: small.data.subarray(0, 300 * 70) };
      const before = tf.memory().numTensors;
      const whole = await tfModel.predict(img);
      const bands: number[] = [];
      const streamed = new Uint8Array(300 * 70);
      const { tiles } = await tfModel.predictRegions(rasterSource(img), async (band) => {
        bands.push(band.rows);
        streamed.set(band.classes, band.y * 300);
      });
      expect(tiles).toBe(whole.tiles);
      expect(bands).toEqual([70]);
      expect(streamed).toEqual(whole.classes);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      await tfModel.dispose();
    }
  }, 60_000);
});

describe('predictLargeImage on bad input', () => {
  it('a tile that does not decode: corrupt_file naming the input, no temporary mask left', async () => {
    const input = join(dir, 'cut.tif');
    const small = syntheticCells(600);
    await writeTiledTiff(input, small, 64);
    const bytes = await readFile(input);
    // Garbage over the compressed tile data about two thirds in: that tile fails to inflate
    // (in the percentile pass, after the mask writer has opened its temporary file).
    bytes.fill(0x5a, Math.floor(bytes.length * 0.66), Math.floor(bytes.length * 0.66) + 2000);
    await writeFile(input, bytes);
    const out = join(dir, 'bad-out');
    await expect(
      predictLargeImage(model, {
        input,
        maskPath: join(out, 'cut.tif'),
        objectsPath: join(out, 'cut_objects.csv'),
      }),
    ).rejects.toMatchObject({
      code: 'corrupt_file',
      message: expect.stringMatching(new RegExp(`^${input}: tile \\(\\d+, \\d+\\) does not decode`)),
    });
    expect(await readdir(out)).toEqual([]);
  }, 60_000);

  it('a tile that fails after bands were written (mean/std model, no first pass): no output left', async () => {
    await saveTinyModel(
      join(dir, 'meanstd'),
      tinyModelMetadata(CONFIG, 92, { scale: 255, mean: [0.3], std: [0.2] }),
      7,
    );
    const meanStd = await openModelPredictor(join(dir, 'meanstd'), {
      backend: 'onnx',
      threads: 2,
      tileSize: TILE,
    });
    try {
      const cells = syntheticCells(1500);
      const input = join(dir, 'late.tif');
      // 600 x 1500: three tile rows; garbage near the end breaks a tile the last row reads.
      await writeTiledTiff(input, { ...cells, width: 600, data: cells.data.subarray(0, 600 * 1500) }, 64);
      const bytes = await readFile(input);
      bytes.fill(0x5a, Math.floor(bytes.length * 0.9), Math.floor(bytes.length * 0.9) + 2000);
      await writeFile(input, bytes);
      const out = join(dir, 'late-out');
      let tiles = 0;
      await expect(
        predictLargeImage(meanStd, {
          input,
          maskPath: join(out, 'late.tif'),
          objectsPath: join(out, 'late_objects.csv'),
          onTile: (done) => {
            tiles = done;
          },
        }),
      ).rejects.toMatchObject({ code: 'corrupt_file' });
      expect(tiles).toBeGreaterThanOrEqual(2); // the first band (2 tiles) was written
      expect(await readdir(out)).toEqual([]);
    } finally {
      await meanStd.dispose();
    }
  }, 60_000);

  it('a missing input is refused before any output', async () => {
    await expect(
      predictLargeImage(model, {
        input: join(dir, 'none.tif'),
        maskPath: join(dir, 'x', 'm.tif'),
        objectsPath: join(dir, 'x', 'o.csv'),
      }),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(readdir(join(dir, 'x'))).rejects.toThrow();
  });
});

/** Per object id: area, bbox left, top, right, bottom (inclusive). */
function referenceBoxes(labels: Int32Array, count: number, width: number): number[][] {
  const boxes = Array.from({ length: count + 1 }, () => [0, width, width, -1, -1]);
  for (let i = 0; i < labels.length; i++) {
    const id = labels[i];
    if (id === 0) continue;
    const x = i % width;
    const y = (i - x) / width;
    const b = boxes[id];
    b[0]++;
    b[1] = Math.min(b[1], x);
    b[2] = Math.min(b[2], y);
    b[3] = Math.max(b[3], x);
    b[4] = Math.max(b[4], y);
  }
  return boxes;
}
