import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { weightedSoftmaxCrossEntropy } from './loss';
import { PAPER_UNET, type UNetConfig } from './types';
import { createUNet, type NamedWeights } from './unet';

const TINY: UNetConfig = { depth: 2, baseFilters: 4, inputChannels: 1, classes: 2, dropout: 0.5 };

type Image = { h: number; w: number; c: number; v: Float64Array };
const at = (im: Image, y: number, x: number, c: number) => im.v[(y * im.w + x) * im.c + c]!;

/** Plain-loop reference layers (channels-last, batch 1), independent of tfjs. */
function conv(im: Image, k: { shape: number[]; data: Float32Array }, b: Float32Array, relu: boolean): Image {
  const [kh, kw, ci, co] = k.shape as [number, number, number, number];
  const out: Image = {
    h: im.h - kh + 1,
    w: im.w - kw + 1,
    c: co,
    v: new Float64Array((im.h - kh + 1) * (im.w - kw + 1) * co),
  };
  for (let y = 0; y < out.h; y++)
    for (let x = 0; x < out.w; x++)
      for (let o = 0; o < co; o++) {
        let s = b[o]!;
        for (let dy = 0; dy < kh; dy++)
          for (let dx = 0; dx < kw; dx++)
            for (let c = 0; c < ci; c++)
              s += at(im, y + dy, x + dx, c) * k.data[((dy * kw + dx) * ci + c) * co + o]!;
        out.v[(y * out.w + x) * co + o] = relu ? Math.max(0, s) : s;
      }
  return out;
}
function pool(im: Image): Image {
  const out: Image = {
    h: im.h / 2,
    w: im.w / 2,
    c: im.c,
    v: new Float64Array((im.h / 2) * (im.w / 2) * im.c),
  };
  for (let y = 0; y < out.h; y++)
    for (let x = 0; x < out.w; x++)
      for (let c = 0; c < im.c; c++)
        out.v[(y * out.w + x) * im.c + c] = Math.max(
          at(im, 2 * y, 2 * x, c),
          at(im, 2 * y + 1, 2 * x, c),
          at(im, 2 * y, 2 * x + 1, c),
          at(im, 2 * y + 1, 2 * x + 1, c),
        );
  return out;
}
/** 2x2 stride-2 transposed conv, kernel [2, 2, out, in]: out[2i+ky, 2j+kx, o] = sum_c in[i, j, c] k[ky, kx, o, c] + b[o]. */
function upconv(im: Image, k: { shape: number[]; data: Float32Array }, b: Float32Array): Image {
  const [, , co, ci] = k.shape as [number, number, number, number];
  const out: Image = { h: im.h * 2, w: im.w * 2, c: co, v: new Float64Array(im.h * 2 * im.w * 2 * co) };
  for (let y = 0; y < out.h; y++)
    for (let x = 0; x < out.w; x++)
      for (let o = 0; o < co; o++) {
        let s = b[o]!;
        for (let c = 0; c < ci; c++)
          s += at(im, y >> 1, x >> 1, c) * k.data[(((y % 2) * 2 + (x % 2)) * co + o) * ci + c]!;
        out.v[(y * out.w + x) * co + o] = s;
      }
  return out;
}
function cropConcat(skip: Image, up: Image): Image {
  const off = (skip.h - up.h) / 2;
  const out: Image = {
    h: up.h,
    w: up.w,
    c: skip.c + up.c,
    v: new Float64Array(up.h * up.w * (skip.c + up.c)),
  };
  for (let y = 0; y < up.h; y++)
    for (let x = 0; x < up.w; x++) {
      for (let c = 0; c < skip.c; c++) out.v[(y * up.w + x) * out.c + c] = at(skip, y + off, x + off, c);
      for (let c = 0; c < up.c; c++) out.v[(y * up.w + x) * out.c + skip.c + c] = at(up, y, x, c);
    }
  return out;
}
function referenceForward(w: NamedWeights, depth: number, input: Image): Image {
  const layer = (name: string, relu: boolean, im: Image) =>
    conv(im, w.get(`${name}/kernel`)!, w.get(`${name}/bias`)!.data, relu);
  const skips: Image[] = [];
  let h = input;
  for (let l = 0; l < depth; l++) {
    h = layer(`enc${l}_conv2`, true, layer(`enc${l}_conv1`, true, h));
    skips.push(h);
    h = pool(h);
  }
  h = layer('bottom_conv2', true, layer('bottom_conv1', true, h));
  for (let l = depth - 1; l >= 0; l--) {
    h = upconv(h, w.get(`dec${l}_up/kernel`)!, w.get(`dec${l}_up/bias`)!.data);
    h = layer(`dec${l}_conv2`, true, layer(`dec${l}_conv1`, true, cropConcat(skips[l]!, h)));
  }
  return layer('head', false, h);
}

describe('createUNet', () => {
  it('has the exact paper parameter count (31,030,658) and 572 -> 388', () => {
    const before = tf.memory().numTensors;
    const unet = createUNet(PAPER_UNET, 572, 1);
    expect(tf.memory().numTensors).toBe(before + 46); // 23 kernels + 23 biases, nothing else
    expect(unet.countParams()).toBe(31_030_658);
    expect(unet.outputSize).toBe(388);
    unet.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('matches a plain-loop forward pass (eval mode), depth 2, 2 input channels, 3 classes', () => {
    const config = { ...TINY, inputChannels: 2, classes: 3, baseFilters: 3 };
    const unet = createUNet(config, 48, 5);
    // Non-zero biases so that bias handling is checked too.
    const weights = unet.getWeights();
    for (const [key, entry] of weights) {
      if (!key.endsWith('/bias')) continue;
      for (let i = 0; i < entry.data.length; i++) entry.data[i] = 0.05 * ((i % 3) - 1);
    }
    unet.setWeights(weights);
    const input = Float32Array.from({ length: 48 * 48 * 2 }, (_, i) => Math.sin(i * 0.37));
    const expected = referenceForward(weights, 2, { h: 48, w: 48, c: 2, v: Float64Array.from(input) });
    const actual = tf.tidy(() => unet.apply(tf.tensor4d(input, [1, 48, 48, 2]), false).dataSync());
    expect([expected.h, expected.w, expected.c]).toEqual([8, 8, 3]);
    let maxDiff = 0;
    for (let i = 0; i < actual.length; i++)
      maxDiff = Math.max(maxDiff, Math.abs(actual[i]! - expected.v[i]!));
    expect(actual.length).toBe(expected.v.length);
    expect(maxDiff).toBeLessThan(1e-4);
    unet.dispose();
  });

  it('withInputSize shares weights: a bigger tile agrees on the common centre (valid convs)', () => {
    const small = createUNet(TINY, 44, 3);
    const big = small.withInputSize(92);
    expect(big.outputSize).toBe(52);
    const [a, b] = tf.tidy(() => {
      const image = tf.randomUniform([1, 92, 92, 1], 0, 1, 'float32', 9) as tf.Tensor4D;
      const centre = tf.slice(image, [0, 24, 24, 0], [1, 44, 44, 1]);
      const outBig = big.apply(image, false).slice([0, 24, 24, 0], [1, 4, 4, 2]);
      return [outBig.dataSync(), small.apply(centre, false).dataSync()];
    });
    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i]!, 4);
    small.dispose();
    expect(() => big.getWeights()).not.toThrow(); // still alive: shared, reference-counted
    big.dispose();
  });

  it('is reproducible by seed and He-initialised (std sqrt(2 / fan_in))', () => {
    const a = createUNet({ ...TINY, baseFilters: 32 }, 44, 11);
    const b = createUNet({ ...TINY, baseFilters: 32 }, 44, 11);
    const kernelA = a.getWeights().get('bottom_conv2/kernel')!;
    expect(Array.from(kernelA.data)).toEqual(Array.from(b.getWeights().get('bottom_conv2/kernel')!.data));
    const n = kernelA.data.length; // 3*3*128*128
    const std = Math.sqrt(kernelA.data.reduce((s, v) => s + v * v, 0) / n);
    expect(std).toBeGreaterThan(Math.sqrt(2 / (9 * 128)) * 0.97);
    expect(std).toBeLessThan(Math.sqrt(2 / (9 * 128)) * 1.03);
    a.dispose();
    b.dispose();
  });

  it('rejects bad sizes, inputs and weight maps with AppErrors', () => {
    expect(() => createUNet(TINY, 45)).toThrow(/not legal/);
    const unet = createUNet(TINY, 44, 1);
    expect(() => tf.tidy(() => unet.apply(tf.zeros([1, 48, 48, 1]) as tf.Tensor4D, false))).toThrow(AppError);
    const weights = unet.getWeights();
    weights.set('head/kernel', { shape: [1, 1, 4, 3], data: new Float32Array(12) });
    expect(() => unet.setWeights(weights)).toThrow(/head\/kernel has shape \[1, 1, 4, 3\]/);
    weights.delete('head/kernel');
    expect(() => unet.setWeights(weights)).toThrow(/lack head\/kernel/);
    unet.dispose();
  });

  it('keeps tf.memory().numTensors flat over 20 training steps', () => {
    const unet = createUNet(TINY, 48, 2);
    const optimizer = tf.train.momentum(0.01, 0.99);
    const x = tf.randomUniform([1, 48, 48, 1]) as tf.Tensor4D;
    const targets = tf.randomUniform([1, 8, 8], 0, 2, 'int32') as tf.Tensor3D;
    const weights = tf.ones([1, 8, 8]) as tf.Tensor3D;
    const step = () =>
      tf.tidy(() => {
        const cost = optimizer.minimize(
          () => weightedSoftmaxCrossEntropy(unet.apply(x, true), targets, weights),
          true,
          unet.trainableVariables(),
        );
        return cost!.dataSync()[0]!;
      });
    const first = step();
    const before = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 20; i++) last = step();
    expect(tf.memory().numTensors).toBe(before);
    expect(Number.isFinite(last)).toBe(true);
    optimizer.dispose();
    tf.dispose([x, targets, weights]);
    unet.dispose();
  });
});
