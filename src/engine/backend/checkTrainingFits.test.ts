import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { weightedSoftmaxCrossEntropy } from '../model/loss';
import { PRESETS } from '../model/presets';
import type { UNetConfig } from '../model/types';
import { createUNet } from '../model/unet';
import { checkTrainingFits, estimateTrainingBytes, largestTrainingTensorBytes } from './checkTrainingFits';
import { WASM_HEAP_BYTES } from './initBackend';
import type { BackendInfo } from './types';

const WASM: BackendInfo = {
  name: 'wasm',
  tfBackend: 'wasm',
  threads: 2,
  description: 'wasm',
  warnings: [],
  memoryLimitBytes: WASM_HEAP_BYTES,
};

/** Peak bytes of one real SGD-momentum step, measured by tf.profile. */
async function measuredPeak(config: UNetConfig, tile: number, batch: number): Promise<number> {
  const unet = createUNet(config, tile, 1);
  const optimizer = tf.train.momentum(0.01, 0.99);
  const out = unet.outputSize;
  const x = tf.randomUniform([batch, tile, tile, config.inputChannels]) as tf.Tensor4D;
  const targets = tf.zeros([batch, out, out], 'int32') as tf.Tensor3D;
  const weights = tf.ones([batch, out, out]) as tf.Tensor3D;
  const base = tf.memory().numBytes;
  const profile = await tf.profile(() => {
    optimizer.minimize(
      () => weightedSoftmaxCrossEntropy(unet.apply(x, true), targets, weights),
      false,
      unet.trainableVariables(),
    );
  });
  const peak = profile.peakBytes - base + 4 * unet.countParams(); // + weights themselves
  optimizer.dispose();
  tf.dispose([x, targets, weights]);
  unet.dispose();
  return peak;
}

describe('checkTrainingFits', () => {
  it('refuses the paper preset at a 572 tile on wasm, with advice that fits', () => {
    const paper = PRESETS.paper;
    const verdict = checkTrainingFits(WASM, paper.architecture, 572, 1);
    expect(verdict.fits).toBe(false);
    expect(verdict.estimatedBytes).toBeGreaterThan(WASM_HEAP_BYTES);
    expect(verdict.advice).toMatch(/4 GiB WebAssembly heap/);
    expect(verdict.advice).toMatch(/fast preset/);
    const tile = Number(/a tile of (\d+) px/.exec(verdict.advice ?? '')?.[1]);
    expect(checkTrainingFits(WASM, paper.architecture, tile, 1).fits).toBe(true);
    expect(checkTrainingFits(WASM, paper.architecture, tile + 16, 1).fits).toBe(false);
  });

  it('accepts the fast preset on wasm and the paper preset on a 24 GiB GPU', () => {
    const fast = PRESETS.fast;
    expect(checkTrainingFits(WASM, fast.architecture, fast.tileSize, fast.batchSize).fits).toBe(true);
    const gpu: BackendInfo = {
      name: 'tensorflow-gpu',
      tfBackend: 'tensorflow',
      description: '',
      warnings: [],
      memoryLimitBytes: 24 * 1024 ** 3,
    };
    expect(checkTrainingFits(gpu, PRESETS.paper.architecture, 572, 1).fits).toBe(true);
  });

  it('on WebGPU, holds the largest tensor to the adapter’s buffer limit and the paper preset to its memory', () => {
    const paper = PRESETS.paper.architecture;
    // The first level's 570 x 570 x 64 feature map (input of enc0_conv2) outgrows the decoder's
    // 392 x 392 x 128 concatenation: 570 * 570 * 64 * 4 bytes.
    expect(largestTrainingTensorBytes(paper, 572, 1)).toBe(570 * 570 * 64 * 4);
    const gpu = (memoryGiB: number, bufferMiB: number): BackendInfo => ({
      name: 'webgpu',
      tfBackend: 'webgpu',
      description: 'WebGPU (Vulkan, Test GPU)',
      warnings: [],
      memoryLimitBytes: memoryGiB * 1024 ** 3,
      adapter: {
        api: 'Vulkan',
        name: 'Test GPU',
        vendor: '',
        architecture: '',
        isSoftware: false,
        maxBufferSize: bufferMiB * 1024 ** 2,
        maxStorageBufferBindingSize: bufferMiB * 1024 ** 2,
        memoryBytes: memoryGiB * 1024 ** 3,
      },
    });
    expect(checkTrainingFits(gpu(16, 2048), paper, 572, 1).fits).toBe(true);
    // WebGPU's default binding limit (128 MiB) holds batch 1, not batch 2.
    expect(checkTrainingFits(gpu(16, 128), paper, 572, 1).fits).toBe(true);
    const two = checkTrainingFits(gpu(16, 128), paper, 572, 2);
    expect(two.fits).toBe(false);
    expect(two.advice).toMatch(
      /one tensor of 159 MiB, more than the largest buffer WebGPU \(Vulkan, Test GPU\) allows \(128 MiB\)/,
    );
    expect(two.advice).toMatch(/batch 1/);
    // A small GPU: refused by memory, with a tile that fits.
    const small = checkTrainingFits(gpu(2, 2048), paper, 572, 1);
    expect(small.fits).toBe(false);
    expect(small.advice).toMatch(/2\.0 GiB of GPU memory/);
    const tile = Number(/a tile of (\d+) px/.exec(small.advice ?? '')?.[1]);
    expect(checkTrainingFits(gpu(2, 2048), paper, tile, 1).fits).toBe(true);
  });

  it('grows with tile and batch, and bounds a measured step peak from above (within 2.5x)', async () => {
    const config: UNetConfig = { depth: 2, baseFilters: 4, inputChannels: 1, classes: 2, dropout: 0.5 };
    expect(estimateTrainingBytes(config, 92, 2)).toBeGreaterThan(estimateTrainingBytes(config, 92, 1));
    expect(estimateTrainingBytes(config, 92, 1)).toBeGreaterThan(estimateTrainingBytes(config, 60, 1));
    for (const [tile, batch] of [
      [60, 1],
      [44, 2],
    ] as const) {
      const peak = await measuredPeak(config, tile, batch);
      const estimate = estimateTrainingBytes(config, tile, batch);
      expect(estimate).toBeGreaterThanOrEqual(peak);
      expect(estimate).toBeLessThan(2.5 * peak);
    }
  });
});
