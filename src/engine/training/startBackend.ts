import { type BackendInfo, initBackend } from '../backend/index';
import type { TrainConfig } from './trainConfig';

/**
 * Starts the preferred TF.js backend (auto: tensorflow-gpu, tensorflow, wasm, cpu). The cpu
 * backend always carries a warning (about 600x slower than the hardware, issue 4 figures);
 * shells print warnings before training starts.
 */
export async function startBackend(config: TrainConfig): Promise<BackendInfo> {
  const info = await initBackend({ prefer: config.backend, threads: config.threads });
  const warnings = info.warnings;
  if (info.name === 'cpu' && !warnings.some((w) => /slow/i.test(w))) {
    warnings.push(
      'Training on the pure-JavaScript cpu backend, about 600x slower than this machine can compute. ' +
        'Install @tensorflow/tfjs-node (or -gpu) or use the wasm backend for real runs.',
    );
  }
  return info;
}
