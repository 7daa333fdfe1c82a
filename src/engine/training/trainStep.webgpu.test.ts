import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireWebGpuAdapter } from '../../../test/support/webgpu';
import { createRng } from '../augment/index';
import { initBackend } from '../backend/index';
import { createUNet, type NamedWeights } from '../model/index';
import type { UNetConfig } from '../model/types';
import { type Batch, trainStep } from './trainStep';

// The WebGPU training step against the cpu backend, and its memory over many steps. On
// SwiftShader (no GPU here) every convolution costs tens of milliseconds, so the nets are tiny.

/** `count` reproducible batches: smooth images with noise, disc targets, weights 0 (unlabelled) to 3. */
function batches(count: number, inputSize: number, outputSize: number, seed: number): Batch[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => {
    const cx = rng.next() * outputSize;
    const cy = rng.next() * outputSize;
    const border = (inputSize - outputSize) / 2;
    const x = new Float32Array(inputSize * inputSize);
    for (let y = 0; y < inputSize; y++) {
      for (let i = 0; i < inputSize; i++) {
        const inside = (i - border - cx) ** 2 + (y - border - cy) ** 2 < (outputSize / 3) ** 2;
        x[y * inputSize + i] = (inside ? 1 : -1) + 0.5 * (rng.next() - 0.5);
      }
    }
    const targets = new Int32Array(outputSize * outputSize);
    const weights = new Float32Array(outputSize * outputSize);
    for (let y = 0; y < outputSize; y++) {
      for (let i = 0; i < outputSize; i++) {
        targets[y * outputSize + i] = (i - cx) ** 2 + (y - cy) ** 2 < (outputSize / 3) ** 2 ? 1 : 0;
        weights[y * outputSize + i] = rng.next() < 0.2 ? 0 : 1 + 2 * rng.next();
      }
    }
    return { size: 1, inputSize, outputSize, channels: 1, x, targets, weights };
  });
}

/** Trains a fresh seeded U-Net on `backend` over `data` with Adam; returns losses and weights. */
async function run(
  backend: 'cpu' | 'webgpu',
  config: UNetConfig,
  tile: number,
  data: Batch[],
): Promise<{ losses: number[]; weights: NamedWeights }> {
  await initBackend({ prefer: backend });
  const unet = createUNet(config, tile, 11);
  const optimizer = tf.train.adam(0.01);
  try {
    const losses: number[] = [];
    for (const [step, batch] of data.entries())
      losses.push(await trainStep(unet, optimizer, batch, 1000 + step));
    return { losses, weights: await unet.readWeights() };
  } finally {
    optimizer.dispose();
    unet.dispose();
  }
}

beforeAll(async () => {
  await requireWebGpuAdapter();
});

describe('trainStep on WebGPU', () => {
  it('20 steps of a depth-2 U-Net (dropout, weighted loss, Adam) follow the cpu backend', async () => {
    const config: UNetConfig = { depth: 2, baseFilters: 2, inputChannels: 1, classes: 2, dropout: 0.5 };
    const data = batches(20, 52, 12, 4);
    const cpu = await run('cpu', config, 52, data);
    const gpu = await run('webgpu', config, 52, data);
    // The curve moves (the run learns), and WebGPU follows it step by step.
    expect(Math.max(...cpu.losses) - Math.min(...cpu.losses)).toBeGreaterThan(0.1);
    const lossDiff = Math.max(
      ...cpu.losses.map((l, i) => Math.abs(l - gpu.losses[i]) / Math.max(1, Math.abs(l))),
    );
    let weightDiff = 0;
    for (const [name, w] of cpu.weights) {
      const other = gpu.weights.get(name)!.data;
      for (let i = 0; i < w.data.length; i++)
        weightDiff = Math.max(weightDiff, Math.abs(w.data[i] - other[i]));
    }
    // Measured on SwiftShader: 2.4e-7 and 8.6e-7 (summation order); the bounds leave 100x room.
    expect(lossDiff).toBeLessThan(1e-4);
    expect(weightDiff).toBeLessThan(1e-4);
  }, 300_000);

  it('keeps the tensor count and tf.memory() bytes flat over 200 steps', async () => {
    await initBackend({ prefer: 'webgpu' });
    const config: UNetConfig = { depth: 1, baseFilters: 2, inputChannels: 1, classes: 2, dropout: 0.5 };
    // 28 px (12 px output): on SwiftShader a step is faster than at the smallest tile, 20 px.
    const unet = createUNet(config, 28, 5);
    const optimizer = tf.train.momentum(0.01, 0.99);
    const [batch] = batches(1, 28, unet.outputSize, 9);
    type GpuMemory = tf.MemoryInfo & { numBytesInGPU: number; numBytesAllocatedInGPU: number };
    const samples: GpuMemory[] = [];
    try {
      for (let step = 1; step <= 200; step++) {
        await trainStep(unet, optimizer, batch, step);
        if (step === 10 || step === 200) samples.push(tf.memory() as GpuMemory);
      }
    } finally {
      optimizer.dispose();
      unet.dispose();
    }
    const [early, late] = samples;
    expect(late.numTensors).toBe(early.numTensors);
    expect(late.numBytes).toBe(early.numBytes);
    expect(late.numBytesInGPU).toBe(early.numBytesInGPU);
    // TF.js keeps freed GPU buffers for reuse: the pool must not grow either.
    expect(late.numBytesAllocatedInGPU).toBeLessThanOrEqual(early.numBytesAllocatedInGPU);
  }, 600_000);
});
