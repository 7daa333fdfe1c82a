import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireWebGpuAdapter } from '../../../test/support/webgpu';
import { createUNet } from '../model/unet';
import { trainStep } from '../training/trainStep';
import { initBackend } from './initBackend';
import { type AdapterFacts, describeAdapter, parseDawnAdapterList } from './webgpuAdapter';

/** Dawn's adapter list as its error message prints it, and adapter facts with `info`. */
function fake(
  adapters: string,
  info: AdapterFacts['info'],
): { listed: ReturnType<typeof parseDawnAdapterList>; adapter: AdapterFacts } {
  const listed = parseDawnAdapterList(`no suitable backends found\nAvailable adapters:\n${adapters}`);
  const limits = { maxBufferSize: 2 ** 31, maxStorageBufferBindingSize: 2 ** 30 };
  return { listed, adapter: { info: { vendor: '', architecture: '', description: '', ...info }, limits } };
}

describe('describeAdapter (which adapters count as software, and how they are named)', () => {
  it('names a hardware adapter by its API and device name, from Dawn’s adapter list', async () => {
    const { listed, adapter } = fake(
      " * backend: 'vulkan', name: 'llvmpipe (LLVM 15.0.6, 256 bits)'\n * backend: 'vulkan', name: 'NVIDIA GeForce RTX 4090'",
      { vendor: 'nvidia', architecture: 'ada', device: 'nvidia-geforce-rtx-4090', isFallbackAdapter: false },
    );
    const summary = await describeAdapter(adapter, listed);
    expect(summary).toMatchObject({ api: 'Vulkan', name: 'NVIDIA GeForce RTX 4090', isSoftware: false });
    expect(summary.maxStorageBufferBindingSize).toBe(2 ** 30);
  });

  it('marks SwiftShader, lavapipe, WARP and any fallback adapter as software', async () => {
    const cases: [string, AdapterFacts['info']][] = [
      [
        " * backend: 'vulkan', name: 'SwiftShader Device (Subzero)'",
        { vendor: 'google', architecture: 'swiftshader', device: 'swiftshader-device-subzero-' },
      ],
      [
        " * backend: 'vulkan', name: 'llvmpipe (LLVM 15.0.6, 256 bits)'",
        { device: 'llvmpipe-llvm-15-0-6-256-bits-' },
      ],
      [
        " * backend: 'd3d12', name: 'Microsoft Basic Render Driver'",
        { device: 'microsoft-basic-render-driver' },
      ],
      [" * backend: 'metal', name: 'Some GPU'", { device: 'some-gpu', isFallbackAdapter: true }],
    ];
    for (const [line, info] of cases) {
      const { listed, adapter } = fake(line, info);
      expect((await describeAdapter(adapter, listed)).isSoftware, line).toBe(true);
    }
    const { listed, adapter } = fake(" * backend: 'metal', name: 'Apple M2'", {
      vendor: 'apple',
      device: 'apple-m2',
    });
    expect(await describeAdapter(adapter, listed)).toMatchObject({
      api: 'Metal',
      name: 'Apple M2',
      isSoftware: false,
    });
  });
});

describe('the WebGPU backend (on this machine’s adapter: its GPU, else SwiftShader)', () => {
  beforeAll(async () => {
    await requireWebGpuAdapter();
  });

  it('--backend webgpu starts on the adapter and names it; auto takes it only when it is hardware', async () => {
    const info = await initBackend({ prefer: 'webgpu' });
    expect(tf.getBackend()).toBe('webgpu');
    const adapter = info.adapter!;
    expect(info.description).toBe(`WebGPU (${adapter.api}, ${adapter.name})`);
    expect(adapter.maxBufferSize).toBeGreaterThan(0);
    if (/swiftshader/i.test(adapter.name)) expect(adapter.isSoftware).toBe(true);
    expect(info.warnings.some((w) => /software adapter/.test(w))).toBe(adapter.isSoftware);

    const auto = await initBackend({ threads: 1 });
    expect(auto.name).toBe(adapter.isSoftware ? 'wasm' : 'webgpu');
    expect(auto.warnings).toEqual([]); // a software adapter passed over is no fault to report
  });

  it('computes a conv gradient equal to the cpu backend’s', async () => {
    const gradient = async (backend: 'cpu' | 'webgpu'): Promise<Float32Array> => {
      await initBackend({ prefer: backend });
      const x = tf.randomNormal([1, 9, 9, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
      const r = tf.randomNormal([1, 7, 7, 4], 0, 1, 'float32', 6);
      const w = tf.randomNormal([3, 3, 3, 4], 0, 1, 'float32', 7);
      const g = tf.grad((k: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, k as tf.Tensor4D, 1, 'valid'), r)))(w);
      const values = (await g.data()) as Float32Array;
      tf.dispose([x, r, w, g]);
      return values;
    };
    const cpu = await gradient('cpu');
    const gpu = await gradient('webgpu');
    for (let i = 0; i < cpu.length; i++) expect(gpu[i]).toBeCloseTo(cpu[i], 4);
  });

  it('a device error during a step fails it with an AppError and leaves the weights alone', async () => {
    await initBackend({ prefer: 'webgpu' });
    const unet = createUNet({ depth: 1, baseFilters: 2, inputChannels: 1, classes: 2, dropout: 0 }, 20, 3);
    const optimizer = tf.train.sgd(0.1);
    const before = await unet.readWeights();
    const out = unet.outputSize;
    const batch = {
      size: 1,
      inputSize: 20,
      outputSize: out,
      channels: 1,
      x: new Float32Array(400).map((_, i) => Math.sin(i)),
      targets: new Int32Array(out * out).fill(1),
      weights: new Float32Array(out * out).fill(1),
    };
    // A buffer past the device's limit: WebGPU reports it on the side, it throws nothing.
    const device = (tf.backend() as tf.KernelBackend & { device: GPUDevice }).device;
    device.createBuffer({ size: device.limits.maxBufferSize * 2, usage: GPUBufferUsage.STORAGE });
    await expect(trainStep(unet, optimizer, batch)).rejects.toMatchObject({
      code: 'backend_unavailable',
      message: expect.stringMatching(/GPU reported an error/),
    });
    const after = await unet.readWeights();
    for (const [name, w] of before)
      expect(Array.from(after.get(name)!.data), name).toEqual(Array.from(w.data));
    // The error was reported once: the next step runs.
    expect(Number.isFinite(await trainStep(unet, optimizer, batch))).toBe(true);
    optimizer.dispose();
    unet.dispose();
  });
});
