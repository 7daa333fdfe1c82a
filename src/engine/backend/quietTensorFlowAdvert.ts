import * as tf from '@tensorflow/tfjs';

/**
 * Turns off TF.js's console warnings, chiefly the "install our node backend" banner that the cpu
 * backend prints on first use in Node (it fires when model weights are merely loaded for an
 * ONNX export). Our shells tell the user which backend runs and why, so the banner is noise.
 * Sets TF.js's global PROD flag: call it once at the start of a command-line process.
 */
export function quietTensorFlowAdvert(): void {
  tf.env().set('PROD', true);
}
