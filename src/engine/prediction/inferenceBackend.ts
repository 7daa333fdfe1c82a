import { AppError } from '../../shared/errors';
import { initBackend } from '../backend/index';
import { createOnnxPredictor } from './createOnnxPredictor';
import { createTfPredictor, type Predictor, type TfUNet } from './Predictor';

/**
 * Where inference may run: 'auto' (onnxruntime, else TF.js), or one of them forced; 'webgpu'
 * forces onnxruntime's WebGPU provider (any adapter, even a software one).
 */
export type InferenceBackendChoice = 'auto' | 'onnx' | 'webgpu' | 'tfjs';

export interface InferenceBackendOptions {
  /** Default 'auto'. */
  backend?: InferenceBackendChoice;
  /** Intra-op threads of onnxruntime's cpu provider, or of TF.js's wasm backend (default: all cores). */
  threads?: number;
}

/** A loaded network and the predictor that runs it. */
export interface InferenceBackend<Net> {
  unet: Net;
  predictor: Predictor;
  /** Why the first choice did not run (shown to the user), when it fell back. */
  note?: string;
  /** The threaded wasm backend runs: its workers keep Node alive, so a CLI should exit. */
  keepsProcessAlive: boolean;
}

/**
 * The one place that decides where inference runs (the CLI, the app and the benches all come
 * here). `load` builds the network; TF.js weights live on the active backend, so when TF.js is
 * forced its backend starts before loading. 'auto': onnxruntime with its execution providers in
 * chooseOnnxProviders' order (CUDA, WebGPU on a hardware adapter, cpu), else TF.js on the engine's backend (initBackend), saying why in
 * `note`. 'onnx' / 'tfjs' force one (an unavailable one is an AppError). The caller disposes
 * the predictor and then the network. `openOnnx` is injectable for tests.
 */
export async function openInferenceBackend<Net extends TfUNet & { dispose(): void }>(
  load: () => Promise<Net>,
  options: InferenceBackendOptions = {},
  openOnnx: typeof createOnnxPredictor = createOnnxPredictor,
): Promise<InferenceBackend<Net>> {
  const choice = options.backend ?? 'auto';
  if (choice === 'tfjs') {
    const info = await initBackend({ threads: options.threads });
    const unet = await load();
    const predictor = createTfPredictor(unet, `TensorFlow.js ${info.description}`);
    return { unet, predictor, keepsProcessAlive: info.keepsProcessAlive === true };
  }
  const unet = await load();
  try {
    const provider = choice === 'webgpu' ? 'webgpu' : 'auto';
    const predictor = await openOnnx(unet, { threads: options.threads, provider });
    return { unet, predictor, keepsProcessAlive: false };
  } catch (error) {
    if (choice !== 'auto' || !(error instanceof AppError)) {
      unet.dispose();
      throw error;
    }
    const note = `onnxruntime unavailable (${error.message}); using TF.js`;
    const info = await initBackend({ threads: options.threads }).catch((reason: unknown) => {
      unet.dispose();
      throw reason;
    });
    const predictor = createTfPredictor(unet, `TensorFlow.js ${info.description}`);
    return { unet, predictor, note, keepsProcessAlive: info.keepsProcessAlive === true };
  }
}
