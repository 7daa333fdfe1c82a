import * as tf from '@tensorflow/tfjs';
import { conv2dBackpropFilterWasm } from './conv2dBackpropFilterWasm';
import { makeConv2dBackpropInputWasm } from './conv2dBackpropInputWasm';

/**
 * Gradient kernels for tfjs-backend-wasm 4.22.0, built only from the backend's own fast kernels
 * (XNNPACK convolution and fully-connected matmul, which use the thread pool) plus memory moves.
 *  - Conv2DBackpropFilter is missing in the wasm backend (training a conv net fails without it).
 *  - Conv2DBackpropInput exists but is a naive single-threaded C++ loop; it is also what
 *    tf.conv2dTranspose (the U-Net up-convolution) runs forward. Replaced for stride 1 and for
 *    stride == kernel without padding; anything else falls back to the original.
 * Every intermediate is freed with backend.disposeData (tests check the backend's tensor count).
 */

const WASM = 'wasm';

let registered = false;

/**
 * Registers the wasm Conv2DBackpropFilter and the faster Conv2DBackpropInput (idempotent).
 * Safe before or after tf.setBackend('wasm'): the original kernel's setupFunc is kept.
 */
export function registerWasmGradientKernels(): void {
  if (registered) return;
  const originalInput = tf.getKernel('Conv2DBackpropInput', WASM);
  if (!originalInput) throw new Error('tfjs-backend-wasm is not loaded (no Conv2DBackpropInput kernel)');
  if (tf.getKernel('Conv2DBackpropFilter', WASM)) tf.unregisterKernel('Conv2DBackpropFilter', WASM);
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: WASM,
    kernelFunc: conv2dBackpropFilterWasm,
  });
  tf.unregisterKernel('Conv2DBackpropInput', WASM);
  tf.registerKernel({
    kernelName: 'Conv2DBackpropInput',
    backendName: WASM,
    setupFunc: originalInput.setupFunc,
    kernelFunc: makeConv2dBackpropInputWasm(originalInput),
  });
  registered = true;
}
