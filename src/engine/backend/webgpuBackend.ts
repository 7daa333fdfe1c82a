import * as tf from '@tensorflow/tfjs';
import { probeWebGpuAdapter } from './probeWebGpuAdapter';
import type { BackendAttempt, BackendInfo } from './types';
import {
  adapterLabel,
  type Dawn,
  describeAdapter,
  type GpuAdapterSummary,
  listDawnAdapters,
  loadDawn,
  NO_ADAPTER,
} from './webgpuAdapter';

/** The WebGPU device this process trains on: one per process, made on first use and kept. */
interface Started {
  device: GPUDevice;
  adapter: GpuAdapterSummary;
  /** Uncaptured device errors not yet reported (out of memory, validation, device lost). */
  errors: string[];
}
let started: Started | null = null;

/**
 * Starts TF.js's WebGPU backend on Dawn (the `webgpu` package: Vulkan on Linux and Windows,
 * Metal on macOS, D3D12 on Windows), on the adapter WebGPU ranks best ('high-performance').
 * A software adapter (SwiftShader, lavapipe, WARP) is passed over unless `allowSoftware`
 * (`--backend webgpu`, for tests): it is correct but slower than the wasm backend.
 * Once started, later calls switch back to the same device.
 */
export async function startWebGpuBackend(allowSoftware: boolean): Promise<BackendAttempt> {
  if (started !== null && tf.findBackend('webgpu') !== null) {
    if (started.adapter.isSoftware && !allowSoftware) return { skipped: softwareReason(started.adapter) };
    if (!(await tf.setBackend('webgpu'))) return { failed: 'the WebGPU backend did not restart' };
    return { info: webgpuInfo(started.adapter) };
  }
  // Asked in a child process first, so that a machine where WebGPU is not used stays quiet.
  const probe = await probeWebGpuAdapter();
  if (probe.adapter === null) return probe.broken ? { failed: probe.reason } : { skipped: probe.reason };
  if (probe.adapter.isSoftware && !allowSoftware) return { skipped: softwareReason(probe.adapter) };
  let dawn: Dawn;
  let WebGPUBackend: typeof import('@tensorflow/tfjs-backend-webgpu').WebGPUBackend;
  try {
    dawn = await loadDawn();
    // Imported before navigator.gpu exists, so the package registers its kernels but not its
    // own backend factory (which would ask for an adapter of its own choosing).
    ({ WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu'));
  } catch (error) {
    return { failed: `WebGPU (the webgpu package, Dawn) did not load: ${firstLine(error)}` };
  }
  const gpu = dawn.create([]);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null);
  if (adapter === null) {
    return { skipped: NO_ADAPTER };
  }
  const summary = await describeAdapter(adapter, await listDawnAdapters(dawn));
  if (summary.isSoftware && !allowSoftware) return { skipped: softwareReason(summary) };
  exposeWebGpuGlobals(dawn, gpu);
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredLimits: backendLimits(adapter.limits) });
  } catch (error) {
    return { failed: `WebGPU (${adapterLabel(summary)}) gave no device: ${firstLine(error)}` };
  }
  const errors: string[] = [];
  device.onuncapturederror = (event) => errors.push(event.error.message);
  void device.lost.then((lost) => errors.push(`the GPU device was lost: ${lost.message}`));
  if (tf.findBackend('webgpu') !== null) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', () => new WebGPUBackend(device, adapter.info), 1);
  const why = await smokeTest();
  if (why !== null) {
    tf.removeBackend('webgpu');
    device.destroy();
    return { failed: `WebGPU (${adapterLabel(summary)}) does not compute correctly: ${why}` };
  }
  started = { device, adapter: summary, errors };
  return { info: webgpuInfo(summary) };
}

/**
 * Device errors raised since the last call (e.g. out of memory), oldest first, and forgets
 * them. TF.js does not watch its device, so the training step asks after each step.
 */
export function takeWebGpuErrors(): string[] {
  if (started === null) return [];
  return started.errors.splice(0);
}

function webgpuInfo(adapter: GpuAdapterSummary): BackendInfo {
  return {
    name: 'webgpu',
    tfBackend: 'webgpu',
    description: `WebGPU (${adapterLabel(adapter)})`,
    warnings: adapter.isSoftware
      ? [
          `WebGPU runs on a software adapter (${adapter.name}): correct, but slower than the wasm backend. Use it for tests only.`,
        ]
      : [],
    memoryLimitBytes: adapter.memoryBytes,
    // Dawn's instance keeps Node's event loop alive: a command-line process must exit itself.
    keepsProcessAlive: true,
    adapter: { ...adapter },
  };
}

function softwareReason(adapter: GpuAdapterSummary): string {
  return `the only WebGPU adapter is a software renderer (${adapterLabel(adapter)}), slower than wasm`;
}

/**
 * tfjs-backend-webgpu reads WebGPU's constants (GPUBufferUsage, GPUMapMode, ...) as globals and
 * checks navigator.gpu, as in a browser; Dawn provides both. Existing globals are left alone.
 */
function exposeWebGpuGlobals(dawn: Dawn, gpu: GPU): void {
  const scope = globalThis as Record<string, unknown>;
  for (const [key, value] of Object.entries(dawn.globals)) {
    if (!(key in scope)) scope[key] = value;
  }
  if (scope.navigator === undefined) scope.navigator = {};
  Object.defineProperty(scope.navigator, 'gpu', { value: gpu, configurable: true });
}

/** The adapter's own limits for what TF.js needs (the defaults cap buffers at 256 MiB). */
function backendLimits(limits: GPUSupportedLimits): Record<string, number> {
  return {
    maxBufferSize: limits.maxBufferSize,
    maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
    maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
    maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
    maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
    maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
  };
}

/** Switches to the backend and checks one small convolution against its known result. */
async function smokeTest(): Promise<string | null> {
  try {
    if (!(await tf.setBackend('webgpu'))) return 'the backend did not start';
    const result = tf.tidy(() =>
      tf.conv2d(tf.ones([1, 4, 4, 1]) as tf.Tensor4D, tf.ones([3, 3, 1, 1]) as tf.Tensor4D, 1, 'valid'),
    );
    const values = Array.from(await result.data());
    result.dispose();
    return values.every((v) => v === 9) && values.length === 4
      ? null
      : `a 3x3 convolution of ones gave ${values.join(', ')}`;
  } catch (error) {
    return firstLine(error);
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}
