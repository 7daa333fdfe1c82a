import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appErrorOf } from '../../../test/support/appError';
import { writeNpy } from '../image/index';
import { predictionFiles } from './modelPaths';
import {
  predictionObjects,
  readInterior,
  readPrediction,
  type StoredPrediction,
  writePrediction,
} from './predictionStore';

const w = 60;
const h = 40;
const MODEL = 'run_abcd1234.best';

/**
 * Two discs of radius 10 whose centres are 6 px apart: their union has no neck, so the distance
 * to its edge alone keeps it one object (instances/predictedObjects.test). Foreground
 * probability 1 inside; P(object interior) 1 inside but 0 on the line x = 30 across the union, as
 * a model that learned object borders predicts between two touching nuclei.
 */
function overlappingDiscs(): { classes: Uint8Array; foreground: Float32Array; interior: Float32Array } {
  const classes = new Uint8Array(w * h);
  const foreground = new Float32Array(w * h);
  const interior = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const inside = [27, 33].some((cx) => (x - cx) ** 2 + (y - 20) ** 2 <= 100);
      if (!inside) continue;
      classes[y * w + x] = 1;
      foreground[y * w + x] = 1;
      interior[y * w + x] = x === 30 ? 0 : 1;
    }
  }
  return { classes, foreground, interior };
}

function stored(withInterior: boolean): StoredPrediction {
  const { classes, foreground, interior } = overlappingDiscs();
  const p = { width: w, height: h, classCount: 2, classes, foreground };
  return withInterior ? { ...p, interior } : p;
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'unet-predstore-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('predictionObjects', () => {
  it('splits two overlapping discs along a predicted border line; without it they stay one', () => {
    const { classes, foreground, interior } = overlappingDiscs();
    expect(predictionObjects(classes, w, h, foreground).count).toBe(1);
    expect(predictionObjects(classes, w, h).count).toBe(1);
    const split = predictionObjects(classes, w, h, foreground, interior);
    expect(split.count).toBe(2);
    // Each disc's centre lies in its own object, and every foreground pixel has one.
    expect(split.labels[20 * w + 22]).not.toBe(split.labels[20 * w + 38]);
    for (let i = 0; i < w * h; i++) expect(split.labels[i] > 0).toBe(classes[i] === 1);
    // The interior alone (no foreground probability) splits them too.
    expect(predictionObjects(classes, w, h, undefined, interior).count).toBe(2);
  });
});

describe('writePrediction / readPrediction with P(object interior)', () => {
  it('stores the interior beside the foreground, reads it back equal, and splits the objects by it', async () => {
    const p = stored(true);
    await writePrediction(dir, MODEL, 'img1', p);
    const files = predictionFiles(dir, MODEL, 'img1');
    expect((await readdir(join(dir, 'predictions', MODEL))).sort()).toEqual(
      [basename(files.classes), basename(files.foreground), basename(files.interior)].sort(),
    );
    expect(await readInterior(files.interior, w, h)).toEqual(p.interior);
    const read = await readPrediction(dir, MODEL, 'img1', 2);
    expect(read.classes).toEqual(p.classes);
    expect(read.foreground).toEqual(p.foreground);
    expect(read.objects).toBe(2);
  });

  it('a prediction without an interior leaves no interior file, removing one an earlier prediction wrote', async () => {
    await writePrediction(dir, MODEL, 'img1', stored(true));
    await writePrediction(dir, MODEL, 'img1', stored(false));
    const files = predictionFiles(dir, MODEL, 'img1');
    expect((await readdir(join(dir, 'predictions', MODEL))).sort()).toEqual(
      [basename(files.classes), basename(files.foreground)].sort(),
    );
    expect(await readInterior(files.interior, w, h)).toBeUndefined();
    expect((await readPrediction(dir, MODEL, 'img1', 2)).objects).toBe(1);
    // Never predicted with an interior: nothing to remove, nothing written.
    await writePrediction(dir, MODEL, 'img2', stored(false));
    expect(await readInterior(predictionFiles(dir, MODEL, 'img2').interior, w, h)).toBeUndefined();
  });

  it('a truncated or wrong-sized interior file is corrupt_file naming it', async () => {
    await writePrediction(dir, MODEL, 'img1', stored(true));
    const { interior } = predictionFiles(dir, MODEL, 'img1');
    const bytes = await readFile(interior);
    await writeFile(interior, bytes.subarray(0, bytes.length - 100));
    const truncated = await appErrorOf(readPrediction(dir, MODEL, 'img1', 2), 'truncated');
    expect(truncated.code).toBe('corrupt_file');
    expect(truncated.message).toContain(interior);
    // A whole .npy of another image's size.
    await writeNpy(interior, { shape: [h - 1, w], data: new Float32Array((h - 1) * w) });
    const wrong = await appErrorOf(readPrediction(dir, MODEL, 'img1', 2), 'wrong size');
    expect(wrong.code).toBe('corrupt_file');
    expect(wrong.message).toBe(`${interior} does not hold ${w}x${h} float32 probabilities.`);
    // Not a .npy at all.
    await writeFile(interior, 'not an array');
    const garbage = await appErrorOf(readPrediction(dir, MODEL, 'img1', 2), 'garbage');
    expect(garbage.code).toBe('corrupt_file');
    expect(garbage.message).toContain(interior);
  });
});
