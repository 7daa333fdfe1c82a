import type { GpuAdapterSummary } from './webgpuAdapter';

/** Which TensorFlow.js backend runs the engine, best first. */
export type BackendName = 'tensorflow-gpu' | 'webgpu' | 'tensorflow' | 'wasm' | 'cpu';

/** What initBackend chose and what the user should know about it. */
export interface BackendInfo {
  name: BackendName;
  /** tf.getBackend() after init: 'tensorflow', 'webgpu', 'wasm' or 'cpu'. */
  tfBackend: string;
  /** Worker threads of the wasm backend (1 = single-threaded build). */
  threads?: number;
  /** One line for banners: e.g. 'WebAssembly (SIMD, 2 threads)', 'WebGPU (Metal, Apple M2)'. */
  description: string;
  /** Things that fell back or will be slow, in words for the user. */
  warnings: string[];
  /** Memory available to tensors (bytes): the 4 GiB wasm heap, GPU memory, or system RAM. */
  memoryLimitBytes?: number;
  /** True for the threaded wasm build: its worker threads keep Node alive; call process.exit(). */
  keepsProcessAlive?: boolean;
  /** The WebGPU adapter, for the webgpu backend: its name, limits and memory. */
  adapter?: GpuAdapterSummary;
}

/** One backend's try: it started, or was left out (nothing to tell), or failed (tell the user). */
export type BackendAttempt = { info: BackendInfo } | { skipped: string } | { failed: string };
