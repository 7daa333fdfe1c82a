import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';

const requireFromHere = createRequire(import.meta.url);

/**
 * Lets tfjs-backend-wasm 4.22.0 run its multi-threaded SIMD build in plain Node. Three blockers,
 * three patches, all undone by the returned function once `tf.setBackend('wasm')` has resolved:
 *  1. flag WASM_HAS_MULTITHREAD_SUPPORT is false under Node -> set it true;
 *  2. the pthread worker script is handed over as a blob: URL that Node's worker_threads
 *     rejects -> write it to a real file and return that path from URL.createObjectURL, and make
 *     the worker load the glue file from disk instead of the Blob it is sent;
 *  3. the C++ side caps the pool at logical cores / 2 (1 on a 2-core machine) -> make os.cpus()
 *     report 2 * threads while the backend starts.
 * Depends on 4.22.0 internals: callers check getThreadsCount() afterwards and fall back to the
 * plain build. The threaded build keeps worker threads alive: a CLI must call process.exit().
 */
export function enableWasmThreadsInNode(
  tfjs: typeof tf,
  wasm: { setThreadsCount(n: number): void },
  threads: number,
): () => void {
  const pkg = dirname(requireFromHere.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  const glue = join(pkg, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js');
  const { wasmWorkerContents } = requireFromHere(
    join(pkg, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.worker.js'),
  ) as {
    wasmWorkerContents: string;
  };
  const workerFile = join(mkdtempSync(join(os.tmpdir(), 'tfjs-wasm-')), 'pthread-worker.js');
  // Escape newlines exactly as the backend does before it makes its Blob.
  writeFileSync(
    workerFile,
    `${wasmWorkerContents.replace(/\n/g, '\\n')}
;(() => { const h = self.onmessage; self.onmessage = e => {
  if (e.data && e.data.cmd === 'load' && typeof e.data.urlOrBlob !== 'string')
    e.data.urlOrBlob = ${JSON.stringify(glue)};
  return h(e); }; })();`,
  );
  tfjs.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(threads);
  const originalCreateObjectURL = URL.createObjectURL;
  const originalCpus = os.cpus;
  URL.createObjectURL = (blob: Blob) =>
    blob && blob.type === 'application/javascript' ? workerFile : originalCreateObjectURL(blob);
  os.cpus = () => {
    const cpus = originalCpus.call(os);
    return Array.from({ length: 2 * threads }, (_, i) => cpus[i % cpus.length]!);
  };
  return () => {
    URL.createObjectURL = originalCreateObjectURL;
    os.cpus = originalCpus;
  };
}
