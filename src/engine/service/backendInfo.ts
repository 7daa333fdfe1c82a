import { createRequire } from 'node:module';
import type { BackendCandidate, BackendInfo } from '../../shared/api';

/** tfjs backends U-Net Studio can use, fastest first, with the package that provides each. */
const CANDIDATES: { name: string; packageName: string }[] = [
  { name: 'tensorflow-gpu (tfjs-node-gpu, CUDA)', packageName: '@tensorflow/tfjs-node-gpu' },
  { name: 'tensorflow (tfjs-node, native CPU)', packageName: '@tensorflow/tfjs-node' },
  { name: 'wasm', packageName: '@tensorflow/tfjs-backend-wasm' },
  { name: 'cpu (pure JavaScript)', packageName: '@tensorflow/tfjs' },
];

/**
 * The tfjs backends installed here, found by resolving their packages (without loading them:
 * loading a native binding has global side effects that belong to the engine's own backend
 * start-up). `active` is what the engine reports once it has chosen one, else null.
 */
export function detectBackends(
  active: string | null = null,
  resolve = createRequire(import.meta.url).resolve,
): BackendInfo {
  const candidates: BackendCandidate[] = CANDIDATES.map(({ name, packageName }) => {
    try {
      resolve(packageName);
      return { name, available: true, detail: `${packageName} is installed` };
    } catch {
      return { name, available: false, detail: `${packageName} is not installed` };
    }
  });
  return {
    active,
    candidates,
    detail:
      active === null
        ? 'No backend started yet: one is chosen when training or prediction starts.'
        : undefined,
  };
}
