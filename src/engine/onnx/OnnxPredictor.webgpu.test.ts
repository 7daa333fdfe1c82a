import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../../../test/support/maxAbsDiff';
import { requireWebGpuAdapter } from '../../../test/support/webgpu';
import type { GpuAdapterSummary } from '../backend/index';
import { createUNet } from '../model/index';
import { chooseOnnxProviders } from './chooseOnnxProviders';
import { buildOnnxModel } from './exportOnnx';
import { OnnxPredictor } from './OnnxPredictor';

const adapter = (isSoftware: boolean): GpuAdapterSummary => ({
  api: 'Vulkan',
  name: isSoftware ? 'SwiftShader Device (Subzero)' : 'NVIDIA GeForce RTX 4090',
  vendor: isSoftware ? 'google' : 'nvidia',
  architecture: '',
  isSoftware,
  maxBufferSize: 2 ** 30,
  maxStorageBufferBindingSize: 2 ** 30,
});

describe('chooseOnnxProviders', () => {
  it('auto: CUDA, then WebGPU on a hardware adapter only, then cpu; a forced provider alone', async () => {
    const hardware = async () => ({ adapter: adapter(false) });
    const software = async () => ({ adapter: adapter(true) });
    const none = async () => ({ adapter: null, reason: 'no adapter', broken: false });
    expect(await chooseOnnxProviders('auto', hardware)).toMatchObject({
      providers: ['cuda', 'webgpu', 'cpu'],
      adapter: { name: 'NVIDIA GeForce RTX 4090' },
      notes: [],
    });
    const passed = await chooseOnnxProviders('auto', software);
    expect(passed).toMatchObject({ providers: ['cuda', 'cpu'], adapter: null });
    expect(passed.notes).toEqual([
      'WebGPU skipped: Vulkan, SwiftShader Device (Subzero) is a software renderer, slower than the CPU provider',
    ]);
    expect(await chooseOnnxProviders('auto', none)).toEqual({
      providers: ['cuda', 'cpu'],
      adapter: null,
      notes: [],
    });
    expect((await chooseOnnxProviders('webgpu', software)).providers).toEqual(['webgpu']);
    expect((await chooseOnnxProviders('cpu', hardware)).providers).toEqual(['cpu']);
  });
});

describe('OnnxPredictor on the WebGPU execution provider (this machine’s adapter)', () => {
  beforeAll(async () => {
    await requireWebGpuAdapter();
    await tf.setBackend('cpu');
  });

  it('gives the cpu provider’s logits within 1e-4 at several tile sizes and batch 2, naming the adapter', async () => {
    const unet = createUNet({ depth: 2, baseFilters: 4, inputChannels: 1, classes: 3, dropout: 0 }, 44, 8);
    const bytes = buildOnnxModel(unet, { softmax: false });
    unet.dispose();
    const cpu = await OnnxPredictor.create(bytes, { provider: 'cpu', threads: 1 });
    const gpu = await OnnxPredictor.create(bytes, { provider: 'webgpu' });
    try {
      expect(gpu.provider).toBe('webgpu');
      expect(gpu.adapter).not.toBeNull();
      expect(gpu.describe()).toBe(`onnxruntime-node (WebGPU: ${gpu.adapter!.api}, ${gpu.adapter!.name})`);
      for (const [size, n] of [
        [44, 1],
        [60, 2],
        [92, 1],
      ]) {
        const input = new Float32Array(n * size * size).map(
          (_, i) => Math.sin(i * 0.37) + 0.3 * Math.cos(i * 0.011),
        );
        const expected = await cpu.run(input, n, 1, size, size);
        const got = await gpu.run(input, n, 1, size, size);
        expect(got.dims).toEqual(expected.dims);
        expect(Math.max(...expected.data.map(Math.abs))).toBeGreaterThan(0.01); // not all zeros
        expect(maxAbsDiff(got.data, expected.data)).toBeLessThan(1e-4);
      }
    } finally {
      await cpu.dispose();
      await gpu.dispose();
    }
  });
});
