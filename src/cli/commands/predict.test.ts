import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../test/support/cli';
import { autoBackendDescription } from '../../../test/support/tfjsBackends';
import { saveTinyModel, tinyModelMetadata } from '../../../test/support/tinyModel';
import {
  createTfPredictor,
  createUNet,
  predictImage,
  readImage,
  readNpy,
  type UNetConfig,
  writePng,
} from '../../engine/index';

const CONFIG: UNetConfig = { depth: 2, baseFilters: 4, inputChannels: 1, classes: 2, dropout: 0 };
const NORM = { scale: 255, mean: [0.4], std: [0.25] };
const METADATA = tinyModelMetadata(CONFIG, 52, NORM);

let dir = '';

/** A gray test image with structure (8-bit). */
function grayImage(width: number, height: number): Uint8Array {
  return Uint8Array.from({ length: width * height }, (_, i) => (i * 37 + ((i / width) | 0) * 11) % 256);
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'cli-predict-'));
  await saveTinyModel(join(dir, 'model'), METADATA, 5);
  await mkdir(join(dir, 'images'));
  await writePng(join(dir, 'images', 'a.png'), {
    width: 37,
    height: 53,
    channels: 1,
    bitDepth: 8,
    data: grayImage(37, 53),
  });
  // RGB with equal channels: the model converts to gray (channel mean) = the gray image.
  const gray = grayImage(20, 15);
  const rgb = Uint8Array.from({ length: 20 * 15 * 3 }, (_, i) => gray[Math.floor(i / 3)]);
  await writePng(join(dir, 'images', 'b.png'), {
    width: 20,
    height: 15,
    channels: 3,
    bitDepth: 8,
    data: rgb,
  });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('unet-studio predict', () => {
  it('writes one mask per image with the same base name, plus probabilities and instances', async () => {
    const out = join(dir, 'out');
    const run = await runCli([
      'predict',
      '--model',
      join(dir, 'model'),
      '--images',
      join(dir, 'images'),
      '--out',
      out,
      '--probabilities',
      'npy',
      '--instances',
      '--threads',
      '1',
    ]);
    expect(run.stderr).not.toMatch(/error|onnxruntime/i);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('inference: onnxruntime-node (cpu, 1 thread)');

    // Independent expectation: normalise by hand, predict in-process on TF.js.
    const unet = createUNet(CONFIG, 52, 5);
    const predictor = createTfPredictor(unet);
    for (const [name, width, height] of [
      ['a', 37, 53],
      ['b', 20, 15],
    ] as const) {
      const x = Float32Array.from(grayImage(width, height), (v) => (v / 255 - 0.4) / 0.25);
      const expected = await predictImage(x, width, height, 1, predictor);
      const mask = await readImage(join(out, `${name}.png`));
      expect([mask.width, mask.height, mask.channels]).toEqual([width, height, 1]);
      expect(Array.from(mask.data)).toEqual(Array.from(expected.classes, (c) => c * 255));
      const probabilities = await readNpy(join(out, `${name}_prob.npy`));
      expect(probabilities.shape).toEqual([height, width]);
      for (let p = 0; p < width * height; p += 7) {
        expect(probabilities.data[p]).toBeCloseTo(expected.probabilities[p * 2 + 1], 4);
      }
      const instances = await readImage(join(out, `${name}_instances.png`));
      expect(instances.bitDepth).toBe(16);
      for (let p = 0; p < width * height; p++) expect(instances.data[p] > 0).toBe(mask.data[p] === 255);
    }
    await predictor.dispose();
    unet.dispose();
  });

  it('writes TIFF masks with --format tif and runs on TF.js with --backend tfjs', async () => {
    const out = join(dir, 'out-tif');
    const run = await runCli([
      'predict',
      '--model',
      join(dir, 'model'),
      '--images',
      join(dir, 'images', 'a.png'),
      '--out',
      out,
      '--format',
      'tif',
      '--backend',
      'tfjs',
    ]);
    expect(run.code).toBe(0);
    const backend = /^inference: TensorFlow\.js (.*)$/m.exec(run.stdout)?.[1];
    expect(backend).toMatch(autoBackendDescription());
    const mask = await readImage(join(out, 'a.tif'));
    expect([mask.width, mask.height]).toEqual([37, 53]);
  });

  it('--min-size leaves the objects under that many pixels out of the instance labels', async () => {
    const run = (out: string, size: string) =>
      runCli([
        'predict',
        ...['--model', join(dir, 'model'), '--images', join(dir, 'images', 'a.png'), '--out', join(dir, out)],
        ...['--instances', '--min-size', size, '--threads', '1'],
      ]);
    const areas = async (out: string) => {
      const img = await readImage(join(dir, out, 'a_instances.png'));
      const byId = new Map<number, number[]>();
      for (const [p, id] of img.data.entries()) if (id > 0) byId.set(id, [...(byId.get(id) ?? []), p]);
      return [...byId.values()];
    };
    expect((await run('all', '0')).code).toBe(0);
    const all = await areas('all');
    // The threshold: the largest object's area, so that it stays and every smaller one goes.
    const sizes = all.map((o) => o.length);
    const largest = Math.max(...sizes);
    expect(sizes.filter((size) => size < largest).length).toBeGreaterThan(0);
    expect((await run('big', String(largest))).code).toBe(0);
    const big = await areas('big');
    // The same objects (pixel for pixel), less those under the threshold.
    const key = (pixels: number[]) => pixels.join(',');
    const kept = all.filter((o) => o.length >= largest).map(key);
    expect(big.map(key).sort()).toEqual(kept.sort());
    expect(big.length).toBeLessThan(all.length);
    const bad = await runCli([
      'predict',
      '--model',
      join(dir, 'model'),
      '--images',
      dir,
      '--out',
      dir,
      '--min-size',
      '-1',
    ]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--min-size must be a whole number >= 0/);
  });

  it('takes a training run folder: uses its best model, says which, and runs --tta', async () => {
    const runDir = join(dir, 'run');
    await saveTinyModel(join(runDir, 'best'), { ...METADATA, metrics: { validationForegroundIoU: 0.9 } }, 5);
    await saveTinyModel(join(runDir, 'model'), { ...METADATA, metrics: { validationForegroundIoU: 0.8 } }, 6);
    const run = await runCli([
      'predict',
      ...['--model', runDir, '--images', join(dir, 'images', 'b.png'), '--out', join(dir, 'out-run')],
      ...['--tta', '--instances', 'components', '--threads', '1'],
    ]);
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `model: ${join(runDir, 'best')}: the best model on validation (validation IoU 0.9000; final model/ validation IoU 0.8000)`,
    );
    // 8 passes of one tile each.
    expect(run.stdout).toMatch(/b\.png -> .*b\.png, .*b_instances\.png \(20x15, 8 tile\(s\)/);
  });

  it('fails clearly on a missing model, missing images and an illegal tile', async () => {
    const noModel = await runCli([
      'predict',
      '--model',
      join(dir, 'nope'),
      '--images',
      join(dir, 'images'),
      '--out',
      join(dir, 'x'),
    ]);
    expect(noModel.code).toBe(1);
    expect(noModel.stderr).toMatch(/^error \(not_found\): .*nope/);
    const noImages = await runCli([
      'predict',
      '--model',
      join(dir, 'model'),
      '--images',
      join(dir, 'none'),
      '--out',
      join(dir, 'x'),
    ]);
    expect(noImages.code).toBe(1);
    expect(noImages.stderr).toMatch(/^error \(not_found\): --images/);
    const badTile = await runCli([
      'predict',
      '--model',
      join(dir, 'model'),
      '--images',
      join(dir, 'images'),
      '--out',
      join(dir, 'x'),
      '--tile',
      '50',
    ]);
    expect(badTile.code).toBe(1);
    expect(badTile.stderr).toMatch(/^error \(illegal_tile_size\)/);
  });
});
