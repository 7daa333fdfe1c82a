import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerWasmGradientKernels } from './wasmGradKernels';

function values(shape: number[], seed: number): Float32Array {
  let state = seed >>> 0;
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  });
}

interface ConvCase {
  name: string;
  x: [number, number, number, number];
  w: [number, number, number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same';
}

const CASES: ConvCase[] = [
  { name: '3x3 s1 valid', x: [1, 12, 11, 3], w: [3, 3, 3, 5], strides: 1, pad: 'valid' },
  { name: '3x3 s1 same, batch 2', x: [2, 9, 10, 4], w: [3, 3, 4, 6], strides: 1, pad: 'same' },
  { name: '3x3 s2 valid', x: [1, 13, 12, 3], w: [3, 3, 3, 4], strides: 2, pad: 'valid' },
  { name: '3x3 s2 same', x: [2, 10, 11, 2], w: [3, 3, 2, 3], strides: 2, pad: 'same' },
  { name: '5x3 s[2,1] valid', x: [1, 15, 9, 2], w: [5, 3, 2, 3], strides: [2, 1], pad: 'valid' },
  { name: '2x2 s2 valid', x: [2, 8, 10, 3], w: [2, 2, 3, 5], strides: 2, pad: 'valid' },
  { name: '1x1 s1 valid', x: [1, 6, 6, 4], w: [1, 1, 4, 2], strides: 1, pad: 'valid' },
  { name: 'U-Net-sized 3x3', x: [1, 32, 32, 16], w: [3, 3, 16, 32], strides: 1, pad: 'valid' },
];

/** Gradients of sum(conv2d(x, w) * r) w.r.t. x and w on `backend`, as plain arrays. */
async function convGrads(backend: string, c: ConvCase): Promise<{ dx: Float32Array; dw: Float32Array }> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const x = tf.tensor4d(values(c.x, 1), c.x);
    const w = tf.tensor4d(values(c.w, 2), c.w);
    const outShape = tf.conv2d(x, w, c.strides, c.pad).shape;
    const r = tf.tensor(values(outShape, 3), outShape);
    const f = (a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad), r));
    const [dx, dw] = tf.grads(f)([x, w]);
    return { dx: dx!.dataSync() as Float32Array, dw: dw!.dataSync() as Float32Array };
  });
}

/** conv2dTranspose 2x2/2 forward and its filter gradient. */
async function upconv(backend: string): Promise<{ y: Float32Array; dw: Float32Array; dx: Float32Array }> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const x = tf.tensor4d(values([2, 7, 6, 8], 4), [2, 7, 6, 8]);
    const w = tf.tensor4d(values([2, 2, 4, 8], 5), [2, 2, 4, 8]);
    const r = tf.tensor4d(values([2, 14, 12, 4], 6), [2, 14, 12, 4]);
    const up = (a: tf.Tensor, b: tf.Tensor) =>
      tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, [2, 14, 12, 4], 2, 'valid');
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(up(a, b), r)))([x, w]);
    return {
      y: up(x, w).dataSync() as Float32Array,
      dw: dw!.dataSync() as Float32Array,
      dx: dx!.dataSync() as Float32Array,
    };
  });
}

function relativeDiff(actual: Float32Array, expected: Float32Array): number {
  expect(actual.length).toBe(expected.length);
  let scale = 1;
  let diff = 0;
  for (let i = 0; i < expected.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i]!));
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
  }
  return diff / scale; // absolute for values up to 1, relative to the largest value above that
}

describe('wasm gradient kernels vs the cpu backend', () => {
  const previous = 'cpu';
  beforeAll(async () => {
    registerWasmGradientKernels();
    await tf.setBackend('wasm');
  });
  afterAll(async () => {
    await tf.setBackend(previous);
  });

  for (const c of CASES) {
    it(`Conv2DBackpropFilter and Conv2DBackpropInput: ${c.name}`, async () => {
      const expected = await convGrads('cpu', c);
      const actual = await convGrads('wasm', c);
      expect(relativeDiff(actual.dw, expected.dw)).toBeLessThan(1e-4);
      expect(relativeDiff(actual.dx, expected.dx)).toBeLessThan(1e-4);
    });
  }

  it('conv2dTranspose 2x2/2 (forward runs Conv2DBackpropInput) and its gradients', async () => {
    const expected = await upconv('cpu');
    const actual = await upconv('wasm');
    expect(relativeDiff(actual.y, expected.y)).toBeLessThan(1e-4);
    expect(relativeDiff(actual.dw, expected.dw)).toBeLessThan(1e-4);
    expect(relativeDiff(actual.dx, expected.dx)).toBeLessThan(1e-4);
  });

  it('frees every intermediate (tensors and backend data flat over calls)', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend();
    await convGrads('wasm', CASES[1]!);
    await upconv('wasm');
    const tensors = tf.memory().numTensors;
    const dataIds = backend.numDataIds();
    for (let i = 0; i < 3; i++) {
      await convGrads('wasm', CASES[3]!);
      await upconv('wasm');
    }
    expect(tf.memory().numTensors).toBe(tensors);
    expect(backend.numDataIds()).toBe(dataIds);
  });
});
