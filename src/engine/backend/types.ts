/** Which TensorFlow.js backend runs the engine, best first. */
export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

/** What initBackend chose and what the user should know about it. */
export interface BackendInfo {
  name: BackendName;
  /** tf.getBackend() after init: 'tensorflow', 'wasm' or 'cpu'. */
  tfBackend: string;
  /** Worker threads of the wasm backend (1 = single-threaded build). */
  threads?: number;
  /** One line for banners: e.g. 'WebAssembly (SIMD, 2 threads)'. */
  description: string;
  /** Things that fell back or will be slow, in words for the user. */
  warnings: string[];
  /** Memory available to tensors (bytes): the 4 GiB wasm heap, GPU memory, or system RAM. */
  memoryLimitBytes?: number;
  /** True for the threaded wasm build: its worker threads keep Node alive; call process.exit(). */
  keepsProcessAlive?: boolean;
}
