import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { AppError } from '../../shared/errors';
import type { BackendAttempt as Attempt, BackendInfo, BackendName } from './types';
import { registerWasmGradientKernels } from './wasmGradKernels';
import { enableWasmThreadsInNode } from './wasmThreads';
import { nvidiaMemoryBytes } from './webgpuAdapter';
import { startWebGpuBackend } from './webgpuBackend';

/** Upper bound of the wasm32 heap (tfjs-backend-wasm 4.22.0 builds: 4 GiB maximum memory). */
export const WASM_HEAP_BYTES = 4 * 1024 ** 3;

/** The tfjs-backend-wasm version whose internals the thread shim and kernels were validated on. */
export const PINNED_WASM_VERSION = '4.22.0';

const ORDER: BackendName[] = ['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'];

/** tfjs-node-gpu 4.x links libtensorflow 2.9 built against these (tfjs-node README, Linux/Windows only). */
const GPU_REQUIREMENTS =
  'tfjs-node-gpu 4.x needs Linux or Windows x86-64, an NVIDIA driver >= 450, CUDA Toolkit 11.2 and cuDNN 8.1 ' +
  '(their libraries on LD_LIBRARY_PATH / PATH), and its install script must have downloaded libtensorflow';

/** Loads an optional package by name (tests inject one to play installed/absent/broken packages). */
export type ImportOptional = (specifier: string) => Promise<unknown>;

/** Starts WebGPU (tests inject one to play a machine with or without a GPU). */
export type StartWebGpu = (allowSoftware: boolean) => Promise<Attempt>;

/**
 * Picks and initialises the TensorFlow.js backend. 'auto' (default) tries, in order:
 * @tensorflow/tfjs-node-gpu (CUDA), WebGPU on a hardware adapter (never a software one;
 * naming 'webgpu' allows that, for tests), @tensorflow/tfjs-node (both tfjs-node packages are
 * optional installs, absent here), wasm (multi-threaded build via the Node shim, else the
 * single-threaded build; registers our gradient kernels) and finally the plain-JS cpu backend
 * with a warning. A GPU passed over for a fault is named in `warnings`, in one line. A named
 * backend that cannot start gives AppError('backend_unavailable') saying why.
 */
export async function initBackend(
  opts: {
    prefer?: BackendName | 'auto';
    threads?: number;
    importOptional?: ImportOptional;
    startWebGpu?: StartWebGpu;
  } = {},
): Promise<BackendInfo> {
  const prefer = opts.prefer ?? 'auto';
  const threads = Math.max(1, Math.min(8, Math.floor(opts.threads ?? defaultThreads())));
  const candidates = prefer === 'auto' ? ORDER : [prefer];
  const warnings: string[] = [];
  for (const name of candidates) {
    const attempt = await tryBackend(name, threads, prefer !== 'auto', {
      load: opts.importOptional ?? importOptional,
      startWebGpu: opts.startWebGpu ?? startWebGpuBackend,
    });
    if ('info' in attempt) {
      attempt.info.warnings.unshift(...warnings);
      return attempt.info;
    }
    if (prefer !== 'auto') {
      throw new AppError(
        'backend_unavailable',
        `Backend ${name} is not available: ${'failed' in attempt ? attempt.failed : attempt.skipped}`,
      );
    }
    if ('failed' in attempt) warnings.push(attempt.failed); // installed but broken: tell the user
  }
  throw new AppError('backend_unavailable', `No TensorFlow.js backend could start: ${warnings.join('; ')}`);
}

function defaultThreads(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

async function tryBackend(
  name: BackendName,
  threads: number,
  allowSoftware: boolean,
  { load, startWebGpu }: { load: ImportOptional; startWebGpu: StartWebGpu },
): Promise<Attempt> {
  switch (name) {
    case 'tensorflow-gpu':
      return tryNode('@tensorflow/tfjs-node-gpu', true, load);
    case 'webgpu':
      return startWebGpu(allowSoftware);
    case 'tensorflow':
      return tryNode('@tensorflow/tfjs-node', false, load);
    case 'wasm':
      return tryWasm(threads);
    case 'cpu':
      return tryCpu();
  }
}

/** Imports an optional package by a computed name (so bundlers and tsc do not require it). */
async function importOptional(specifier: string): Promise<unknown> {
  return import(/* @vite-ignore */ specifier);
}

function isMissingModule(error: unknown, specifier: string): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && message.includes(specifier);
}

async function tryNode(specifier: string, gpu: boolean, load: ImportOptional): Promise<Attempt> {
  try {
    await load(specifier);
  } catch (error) {
    if (isMissingModule(error, specifier)) return { skipped: `${specifier} is not installed` };
    const message = error instanceof Error ? error.message : String(error);
    const why = /libcud|cudnn|cublas|cufft|curand|cusolver|cusparse/i.test(message)
      ? `the CUDA/cuDNN libraries were not found (${GPU_REQUIREMENTS})`
      : /tfjs_binding|native addon|\.node/i.test(message)
        ? 'its native addon is missing (the install script did not run or its libtensorflow download failed; rerun `npm rebuild ' +
          specifier +
          '`)'
        : 'it failed to load';
    return { failed: `${specifier} is installed but ${why}: ${message.split('\n')[0]}` };
  }
  if (!(await tf.setBackend('tensorflow')))
    return { failed: `${specifier} loaded but the 'tensorflow' backend did not start` };
  await tf.ready();
  const backend = tf.backend() as tf.KernelBackend & { isGPUPackage?: boolean; isUsingGpuDevice?: boolean };
  if (gpu) {
    if (!backend.isUsingGpuDevice) {
      return {
        failed: `${specifier} loaded but TensorFlow found no usable GPU, so it would run on the CPU (${GPU_REQUIREMENTS})`,
      };
    }
    const gpuBytes = await nvidiaMemoryBytes();
    return {
      info: {
        name: 'tensorflow-gpu',
        tfBackend: 'tensorflow',
        description: 'TensorFlow (native, CUDA GPU)',
        warnings: [],
        memoryLimitBytes: gpuBytes ?? undefined,
      },
    };
  }
  return {
    info: {
      name: 'tensorflow',
      tfBackend: 'tensorflow',
      description: 'TensorFlow (native, CPU)',
      warnings: [],
      memoryLimitBytes: os.totalmem(),
    },
  };
}

async function tryWasm(threads: number): Promise<Attempt> {
  let wasm: typeof import('@tensorflow/tfjs-backend-wasm');
  try {
    wasm = await import('@tensorflow/tfjs-backend-wasm');
  } catch (error) {
    return {
      failed: `@tensorflow/tfjs-backend-wasm did not load: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  const warnings: string[] = [];
  // The thread shim and the gradient kernels rely on 4.22.0 internals (see wasmThreads.ts).
  const pinned = wasm.version_wasm === PINNED_WASM_VERSION;
  if (!pinned) {
    warnings.push(
      `@tensorflow/tfjs-backend-wasm ${wasm.version_wasm} is not the pinned ${PINNED_WASM_VERSION}: using the single-threaded build`,
    );
  }
  if (tf.getBackend() === 'wasm') {
    // Already running (a second call): report what runs.
    const running = wasm.getThreadsCount();
    registerWasmGradientKernels();
    return { info: wasmInfo(running, warnings) };
  }
  if (threads > 1 && pinned) {
    const undo = enableWasmThreadsInNode(tf, wasm, threads);
    let started = false;
    try {
      started = await tf.setBackend('wasm');
    } catch {
      started = false;
    } finally {
      undo();
    }
    if (started) {
      const running = wasm.getThreadsCount();
      if (running !== threads) warnings.push(`wasm started ${running} thread(s) instead of ${threads}`);
      registerWasmGradientKernels();
      return { info: { ...wasmInfo(running, warnings), keepsProcessAlive: true } };
    }
    warnings.push(
      'the multi-threaded wasm build did not start in this Node version; using the single-threaded build',
    );
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  }
  if (!(await tf.setBackend('wasm'))) return { failed: 'the wasm backend did not start' };
  registerWasmGradientKernels();
  return { info: wasmInfo(1, warnings) };
}

function wasmInfo(threads: number, warnings: string[]): BackendInfo {
  return {
    name: 'wasm',
    tfBackend: 'wasm',
    threads,
    description: `WebAssembly (SIMD, ${threads} thread${threads === 1 ? '' : 's'})`,
    warnings,
    memoryLimitBytes: WASM_HEAP_BYTES,
  };
}

async function tryCpu(): Promise<Attempt> {
  if (!(await tf.setBackend('cpu'))) return { failed: 'the cpu backend did not start' };
  return {
    info: {
      name: 'cpu',
      tfBackend: 'cpu',
      description: 'plain JavaScript (cpu backend)',
      warnings: [
        'Training on the plain JavaScript cpu backend is hundreds of times slower than this machine allows ' +
          '(a U-Net step takes minutes); install @tensorflow/tfjs-node(-gpu) or use the wasm backend.',
      ],
      memoryLimitBytes: os.totalmem(),
    },
  };
}
