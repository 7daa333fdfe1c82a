import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUNet } from '../model/index';
import type { UNetConfig } from '../model/types';
import {
  buildOnnxModel,
  cropOffsets,
  exportOnnx,
  type OnnxExportSource,
  permute,
  type WeightTensor,
} from './exportOnnx';
import { OnnxPredictor } from './OnnxPredictor';

// A tiny U-Net: depth 2, 4 base filters, 2 input channels, 3 classes (legal inputs 44 + 4k).
const config: UNetConfig = { depth: 2, baseFilters: 4, inputChannels: 2, classes: 3, dropout: 0 };

/** Seeded weights in TF.js layout, named like the model area's layers. */
function randomWeights(cfg: UNetConfig): Map<string, WeightTensor> {
  let state = 12345;
  const rand = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648 - 0.5;
  };
  const make = (shape: number[], scale: number): WeightTensor => {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = rand() * scale;
    return { shape, data };
  };
  const map = new Map<string, WeightTensor>();
  const add = (name: string, kernel: number[], out: number): void => {
    map.set(`${name}/kernel`, make(kernel, 2 / Math.sqrt(kernel[0] * kernel[1] * kernel[2])));
    map.set(`${name}/bias`, make([out], 0.2));
  };
  let ch = cfg.inputChannels;
  for (let l = 0; l < cfg.depth; l++) {
    const w = cfg.baseFilters * 2 ** l;
    add(`enc${l}_conv1`, [3, 3, ch, w], w);
    add(`enc${l}_conv2`, [3, 3, w, w], w);
    ch = w;
  }
  const bottom = cfg.baseFilters * 2 ** cfg.depth;
  add('bottom_conv1', [3, 3, ch, bottom], bottom);
  add('bottom_conv2', [3, 3, bottom, bottom], bottom);
  ch = bottom;
  for (let l = cfg.depth - 1; l >= 0; l--) {
    const w = cfg.baseFilters * 2 ** l;
    map.set(`dec${l}_up/kernel`, make([2, 2, w, ch], 2 / Math.sqrt(ch)));
    map.set(`dec${l}_up/bias`, make([w], 0.2));
    add(`dec${l}_conv1`, [3, 3, 2 * w, w], w);
    add(`dec${l}_conv2`, [3, 3, w, w], w);
    ch = w;
  }
  add('head', [1, 1, ch, cfg.classes], cfg.classes);
  return map;
}

/** Independent TF.js forward pass written from the paper (NHWC), for comparison. */
function referenceForward(x: tf.Tensor4D, cfg: UNetConfig, w: Map<string, WeightTensor>): tf.Tensor4D {
  return tf.tidy(() => {
    const t = (name: string): tf.Tensor => {
      const v = w.get(name) as WeightTensor;
      return tf.tensor(v.data, v.shape);
    };
    const conv = (h: tf.Tensor4D, name: string): tf.Tensor4D =>
      tf.relu(
        tf.add(tf.conv2d(h, t(`${name}/kernel`) as tf.Tensor4D, 1, 'valid'), t(`${name}/bias`)),
      ) as tf.Tensor4D;
    let h = x;
    const skips: tf.Tensor4D[] = [];
    for (let l = 0; l < cfg.depth; l++) {
      h = conv(conv(h, `enc${l}_conv1`), `enc${l}_conv2`);
      skips.push(h);
      h = tf.maxPool(h, 2, 2, 'valid');
    }
    h = conv(conv(h, 'bottom_conv1'), 'bottom_conv2');
    for (let l = cfg.depth - 1; l >= 0; l--) {
      const k = t(`dec${l}_up/kernel`) as tf.Tensor4D;
      const [n, hh, ww] = h.shape;
      const up = tf.add(
        tf.conv2dTranspose(h, k, [n, hh * 2, ww * 2, k.shape[2]], 2, 'valid'),
        t(`dec${l}_up/bias`),
      ) as tf.Tensor4D;
      const skip = skips[l];
      const oy = (skip.shape[1] - up.shape[1]) / 2;
      const ox = (skip.shape[2] - up.shape[2]) / 2;
      const crop = tf.slice(skip, [0, oy, ox, 0], [-1, up.shape[1], up.shape[2], -1]);
      h = conv(conv(tf.concat([crop, up as tf.Tensor4D], 3), `dec${l}_conv1`), `dec${l}_conv2`);
    }
    return tf.add(tf.conv2d(h, t('head/kernel') as tf.Tensor4D, 1, 'valid'), t('head/bias')) as tf.Tensor4D;
  });
}

let dir = '';
const weights = randomWeights(config);
const source: OnnxExportSource = { config, getWeights: () => weights };

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'onnx-export-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('exportOnnx', () => {
  it('pins the paper crop offsets (568 -> 392 at the top level)', () => {
    expect(cropOffsets(4)).toEqual([88, 40, 16, 4]);
    expect(cropOffsets(4, 48)).toEqual([88, 40, 16, 4]);
    expect(cropOffsets(2)).toEqual([16, 4]);
  });

  it('permutes like numpy transpose', () => {
    // shape [2, 3] -> [3, 2]
    expect(Array.from(permute(Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3], [1, 0]))).toEqual([
      1, 4, 2, 5, 3, 6,
    ]);
  });

  it('matches an independent TF.js forward within 1e-4 at several sizes and batch 2', async () => {
    const path = join(dir, 'tiny.onnx');
    await exportOnnx(source, path);
    const predictor = await OnnxPredictor.create(path, { executionProviders: ['cpu'], threads: 1 });
    expect(predictor.provider).toBe('cpu');
    try {
      for (const [size, outSize, n] of [
        [44, 4, 1],
        [52, 12, 2],
        [60, 20, 1],
      ]) {
        const x = tf.randomNormal([n, size, size + 8, 2], 0, 1, 'float32', size) as tf.Tensor4D;
        const expected = referenceForward(x, config, weights);
        const nchw = tf.transpose(x, [0, 3, 1, 2]);
        const got = await predictor.run(await nchw.data<'float32'>(), n, 2, size, size + 8);
        expect(got.dims).toEqual([n, 3, outSize, outSize + 8]);
        const gotNhwc = tf.transpose(tf.tensor4d(got.data, got.dims), [0, 2, 3, 1]);
        const maxAbs = tf.max(tf.abs(tf.sub(gotNhwc, expected))).dataSync()[0];
        expect(maxAbs).toBeLessThan(1e-4);
        expect(tf.max(tf.abs(expected)).dataSync()[0]).toBeGreaterThan(0.01); // not all zeros
        tf.dispose([x, expected, nchw, gotNhwc]);
      }
    } finally {
      await predictor.dispose();
    }
  });

  it("matches the model area's UNet.apply within 1e-4 at several legal sizes", async () => {
    const unet = createUNet(config, 44, 21);
    const predictor = await OnnxPredictor.create(buildOnnxModel(unet), {
      executionProviders: ['cpu'],
      threads: 1,
    });
    const before = tf.memory().numTensors;
    try {
      for (const size of [44, 56, 68]) {
        const sized = unet.withInputSize(size);
        const x = tf.randomNormal([2, size, size, 2], 0, 1, 'float32', size) as tf.Tensor4D;
        const expected = sized.apply(x, false);
        const nchw = tf.transpose(x, [0, 3, 1, 2]);
        const got = await predictor.run(await nchw.data<'float32'>(), 2, 2, size, size);
        expect(got.dims).toEqual([2, 3, sized.outputSize, sized.outputSize]);
        const maxAbs = tf.tidy(() => {
          const gotNhwc = tf.transpose(tf.tensor4d(got.data, got.dims), [0, 2, 3, 1]);
          return tf.max(tf.abs(tf.sub(gotNhwc, expected))).dataSync()[0];
        });
        expect(maxAbs).toBeLessThan(1e-4);
        tf.dispose([x, expected, nchw]);
        sized.dispose();
      }
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      await predictor.dispose();
      unet.dispose();
    }
  });

  it('outputs softmax probabilities as a second output', async () => {
    const bytes = buildOnnxModel(source);
    const probs = await OnnxPredictor.create(bytes, { executionProviders: ['cpu'], output: 'probabilities' });
    const input = new Float32Array(2 * 44 * 44).map((_, i) => Math.sin(i));
    const { data, dims } = await probs.run(input, 1, 2, 44, 44);
    await probs.dispose();
    const plane = dims[2] * dims[3];
    for (let p = 0; p < plane; p++) {
      expect(data[p] + data[p + plane] + data[p + 2 * plane]).toBeCloseTo(1, 5);
    }
  });

  it('rejects a corrupt or missing ONNX file with AppError', async () => {
    const bad = join(dir, 'bad.onnx');
    await writeFile(bad, Buffer.from('this is not an onnx model at all'));
    await expect(OnnxPredictor.create(bad, { executionProviders: ['cpu'] })).rejects.toMatchObject({
      code: 'corrupt_file',
    });
    const truncated = join(dir, 'truncated.onnx');
    await writeFile(truncated, buildOnnxModel(source).subarray(0, 500));
    await expect(OnnxPredictor.create(truncated, { executionProviders: ['cpu'] })).rejects.toMatchObject({
      code: 'corrupt_file',
    });
    await expect(OnnxPredictor.create(join(dir, 'missing.onnx'))).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('rejects an illegal tile size with AppError', async () => {
    const predictor = await OnnxPredictor.create(buildOnnxModel(source), { executionProviders: ['cpu'] });
    await expect(predictor.run(new Float32Array(2 * 45 * 45), 1, 2, 45, 45)).rejects.toMatchObject({
      code: 'incompatible_model',
    });
    await predictor.dispose();
  });
});
