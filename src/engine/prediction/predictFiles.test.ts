import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveTinyModel, tinyModelMetadata } from '../../../test/support/tinyModel';
import { readImage, writePng } from '../image/index';
import { createUNet } from '../model/index';
import type { UNetConfig } from '../model/types';
import { createTfPredictor } from './Predictor';
import { predictFiles } from './predictFiles';
import { predictImage } from './predictImage';

// Three classes, an RGB model, fed a 16-bit gray image (replicated to RGB, scaled by 65535).
const CONFIG: UNetConfig = { depth: 2, baseFilters: 4, inputChannels: 3, classes: 3, dropout: 0 };
const NORM = { scale: 255, mean: [0.5, 0.4, 0.3], std: [0.2, 0.25, 0.3] };
const METADATA = tinyModelMetadata(
  CONFIG,
  52,
  NORM,
  ['background', 'a', 'b'].map((name) => ({ name, color: '#ffffff' })),
);
const W = 23;
const H = 31;
const gray = Uint16Array.from({ length: W * H }, (_, i) => (i * 2654435761) % 65536);
let dir = '';

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'predict-files-'));
  await saveTinyModel(join(dir, 'model'), METADATA, 9);
  await mkdir(join(dir, 'in'));
  await writePng(join(dir, 'in', 'g.png'), { width: W, height: H, channels: 1, bitDepth: 16, data: gray });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('predictFiles', () => {
  it('writes class-index TIFF masks and 3-channel probabilities for a 3-class RGB model', async () => {
    const result = await predictFiles({
      model: join(dir, 'model'),
      inputs: [join(dir, 'in', 'g.png')],
      outDir: join(dir, 'out'),
      format: 'tif',
      probabilities: 'tif',
      backend: 'onnx',
      threads: 1,
    });
    expect(result.backend).toBe('onnxruntime-node (cpu, 1 thread)');
    const [file] = result.files;
    expect(file.mask).toBe(join(dir, 'out', 'g.tif'));
    // Independent expectation: gray / 65535 repeated per channel, normalised per channel.
    const x = new Float32Array(W * H * 3);
    for (let p = 0; p < W * H; p++) {
      for (let c = 0; c < 3; c++) x[p * 3 + c] = (gray[p] / 65535 - NORM.mean[c]) / NORM.std[c];
    }
    const unet = createUNet(CONFIG, 52, 9);
    const expected = await predictImage(x, W, H, 3, createTfPredictor(unet));
    unet.dispose();
    const mask = await readImage(file.mask);
    expect(Array.from(mask.data)).toEqual(Array.from(expected.classes));
    expect(new Set(mask.data).size).toBeGreaterThan(1);
    const probabilities = await readImage(file.probabilities as string);
    expect([probabilities.channels, probabilities.bitDepth]).toEqual([3, 32]);
    for (let i = 0; i < W * H * 3; i += 5) {
      expect(probabilities.data[i]).toBeCloseTo(expected.probabilities[i], 4);
    }
  });

  it('a percentile model: ONNX and TF.js give the same masks, a run folder resolves to its better model', async () => {
    const percentile = { kind: 'percentile' as const, low: 1, high: 99.8, perChannel: true, epsilon: 1e-6 };
    const run = join(dir, 'run');
    await saveTinyModel(
      join(run, 'best'),
      { ...METADATA, normalization: percentile, metrics: { validationForegroundIoU: 0.8 } },
      4,
    );
    await saveTinyModel(
      join(run, 'model'),
      { ...METADATA, normalization: percentile, metrics: { validationForegroundIoU: 0.7 } },
      5,
    );
    const chosen: string[] = [];
    const outputs = [];
    for (const backend of ['onnx', 'tfjs'] as const) {
      const result = await predictFiles({
        model: run,
        inputs: [join(dir, 'in', 'g.png')],
        outDir: join(dir, `p-${backend}`),
        probabilities: 'npy',
        backend,
        threads: 1,
        onModel: (m) => chosen.push(m.description),
      });
      expect(result.model.kind).toBe('best');
      outputs.push(await readImage(result.files[0].mask));
    }
    expect(chosen[0]).toMatch(/best.*0\.8000.*final model\/ validation IoU 0\.7000/);
    expect(Array.from(outputs[0].data)).toEqual(Array.from(outputs[1].data));
    // Independent expectation: per-channel percentiles of gray / 65535 (all three channels equal).
    const scaled = Array.from(gray, (v) => v / 65535).sort((a, b) => a - b);
    const at = (q: number) => {
      const h = ((scaled.length - 1) * q) / 100;
      return scaled[Math.floor(h)] + (scaled[Math.ceil(h)] - scaled[Math.floor(h)]) * (h - Math.floor(h));
    };
    const lo = at(1);
    const hi = at(99.8);
    const x = new Float32Array(W * H * 3);
    for (let p = 0; p < W * H; p++)
      for (let c = 0; c < 3; c++) x[p * 3 + c] = (gray[p] / 65535 - lo) / (hi - lo + 1e-6);
    const unet = createUNet(CONFIG, 52, 4);
    const expected = await predictImage(x, W, H, 3, createTfPredictor(unet));
    unet.dispose();
    let differing = 0;
    for (let i = 0; i < W * H; i++) if (outputs[1].data[i] !== expected.classes[i]) differing++;
    // Float rounding may flip a pixel sitting exactly on a class boundary, hardly more.
    expect(differing).toBeLessThanOrEqual(2);
  });

  it('--tta and --instances: TTA runs 8 passes, instances are written for both methods', async () => {
    const result = await predictFiles({
      model: join(dir, 'model'),
      inputs: [join(dir, 'in', 'g.png')],
      outDir: join(dir, 'tta'),
      instances: 'watershed',
      tta: true,
      backend: 'tfjs',
    });
    const plain = await predictFiles({
      model: join(dir, 'model'),
      inputs: [join(dir, 'in', 'g.png')],
      outDir: join(dir, 'plain'),
      instances: 'components',
      backend: 'tfjs',
    });
    expect(result.files[0].tiles).toBe(8 * plain.files[0].tiles);
    const instances = await readImage(result.files[0].instances as string);
    expect([instances.bitDepth, instances.channels]).toEqual([16, 1]);
    await expect(
      predictFiles({ model: join(dir, 'in'), inputs: [join(dir, 'in', 'g.png')], outDir: join(dir, 'x') }),
    ).rejects.toMatchObject({
      code: 'not_found',
      message: expect.stringMatching(/neither a model folder .* nor a training run folder/),
    });
  });

  it('refuses inputs whose masks would overwrite each other', async () => {
    await expect(
      predictFiles({ model: join(dir, 'model'), inputs: ['a/x.png', 'b/x.tif'], outDir: join(dir, 'o2') }),
    ).rejects.toMatchObject({ code: 'conflict' });
  });
});
