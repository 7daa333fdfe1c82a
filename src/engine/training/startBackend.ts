import { type BackendInfo, initBackend } from '../backend/index';
import type { TrainConfig } from './trainConfig';

/**
 * Starts the preferred TF.js backend (auto: tensorflow-gpu, tensorflow, wasm, cpu). Its
 * warnings say what fell back and what will be slow (the cpu backend always carries one);
 * shells print them before training starts.
 */
export async function startBackend(config: TrainConfig): Promise<BackendInfo> {
  return initBackend({ prefer: config.backend, threads: config.threads });
}
