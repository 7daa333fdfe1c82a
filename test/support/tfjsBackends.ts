import { createRequire } from 'node:module';

/** Whether `specifier` resolves from this repository (installed), without loading it. */
export function isInstalled(specifier: string): boolean {
  try {
    createRequire(import.meta.url).resolve(specifier);
    return true;
  } catch {
    return false;
  }
}

/**
 * What the engine's automatic TF.js backend choice may describe itself as on this machine:
 * native TensorFlow where @tensorflow/tfjs-node(-gpu) is installed (optional packages; one that
 * fails to load falls through to wasm), else only the WebAssembly backend.
 */
export function autoBackendDescription(): RegExp {
  const native = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'].some(isInstalled);
  return native ? /^(TensorFlow \(native, (CUDA GPU|CPU)\)|WebAssembly)/ : /^WebAssembly/;
}
