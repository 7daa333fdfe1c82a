import { createRequire } from 'node:module';
import { initBackend } from '../../engine/index';
import type { BackendCandidate, BackendReport } from '../../shared/api';
import { toErrorInfo } from '../../shared/errors';

/** tfjs backends U-Net Studio can use, fastest first, with the package that provides each. */
const CANDIDATES: { name: string; packageName: string }[] = [
  { name: 'tensorflow-gpu', packageName: '@tensorflow/tfjs-node-gpu' },
  { name: 'webgpu', packageName: '@tensorflow/tfjs-backend-webgpu' },
  { name: 'tensorflow', packageName: '@tensorflow/tfjs-node' },
  { name: 'wasm', packageName: '@tensorflow/tfjs-backend-wasm' },
  { name: 'cpu', packageName: '@tensorflow/tfjs' },
];

/** The tfjs backend packages installed here, found by resolving them (without loading them). */
export function detectBackends(resolve = createRequire(import.meta.url).resolve): BackendCandidate[] {
  return CANDIDATES.map(({ name, packageName }) => {
    try {
      resolve(packageName);
      return { name, available: true, detail: `${packageName} is installed` };
    } catch {
      return { name, available: false, detail: `${packageName} is not installed` };
    }
  });
}

/**
 * What the engine runs on: the engine's own `initBackend()` (the same choice training and
 * prediction make), plus the installed packages. A backend that cannot start is reported, not
 * thrown: `active` null with the reason in `detail`.
 */
export async function backendReport(init: typeof initBackend = initBackend): Promise<BackendReport> {
  const candidates = detectBackends();
  try {
    const info = await init();
    return {
      active: info.name,
      description: info.description,
      warnings: info.warnings,
      memoryLimitBytes: info.memoryLimitBytes,
      candidates,
    };
  } catch (error) {
    return { active: null, description: null, warnings: [], candidates, detail: toErrorInfo(error).message };
  }
}
