// `npm run bench -- train --backend webgpu [--steps 5] [--warmup 2] [--threads 2]`: ms per
// training step of the fast preset (348 tile, 16 filters, Adam) and the paper preset (572 tile,
// 64 filters, SGD momentum 0.99) with the product's step (trainStep: weighted loss, dropout, the
// optimiser update, one asynchronous loss read), on WebGPU against wasm on the same machine,
// naming the adapter. Each measurement runs in its own process. On a software adapter
// (SwiftShader, lavapipe, WARP) it only checks a tiny net's losses against the cpu backend and
// makes no speed claim (`--presets tiny --time-software` times a tiny net there anyway, to try
// the timing path). Writes bench/results/train-webgpu.json.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../src/engine/augment/index';
import {
  checkTrainingFits,
  type GpuAdapterSummary,
  initBackend,
  probeWebGpuAdapter,
} from '../src/engine/backend/index';
import { createUNet, PRESETS } from '../src/engine/model/index';
import type { UNetConfig } from '../src/engine/model/types';
import { createOptimizer } from '../src/engine/training/optimizerState';
import { type Batch, trainStep } from '../src/engine/training/trainStep';
import { benchRoot, median, printTable, writeResults } from './_common';

const TINY = {
  architecture: { depth: 2, baseFilters: 2, inputChannels: 1, classes: 2, dropout: 0.5 } as UNetConfig,
  tileSize: 52,
  optimizer: { kind: 'adam' as const, learningRate: 0.01, beta1: 0.9, beta2: 0.999 },
};
type PresetName = 'fast' | 'paper' | 'tiny';

interface Measured {
  backend: string;
  description: string;
  preset: PresetName;
  msPerStep?: number;
  timesMs?: number[];
  losses: number[];
  gpuBytes?: number;
  skipped?: string;
}

function batchFor(tile: number, out: number, seed: number): Batch {
  const rng = createRng(seed);
  return {
    size: 1,
    inputSize: tile,
    outputSize: out,
    channels: 1,
    x: Float32Array.from({ length: tile * tile }, () => rng.next() * 2 - 1),
    targets: Int32Array.from({ length: out * out }, () => (rng.next() < 0.4 ? 1 : 0)),
    weights: Float32Array.from({ length: out * out }, () => 0.5 + rng.next()),
  };
}

/** Child process: one backend, one preset; prints `RESULT {json}` and exits. */
async function measure(
  backend: 'webgpu' | 'wasm' | 'cpu',
  presetName: PresetName,
  steps: number,
  warmup: number,
  threads: number,
) {
  const preset = presetName === 'tiny' ? TINY : PRESETS[presetName];
  const info = await initBackend({ prefer: backend, threads });
  const result: Measured = { backend, description: info.description, preset: presetName, losses: [] };
  const fit = checkTrainingFits(info, preset.architecture, preset.tileSize, 1);
  if (!fit.fits) {
    result.skipped = fit.advice;
  } else {
    const unet = createUNet(preset.architecture, preset.tileSize, 1);
    const optimizer = createOptimizer(preset.optimizer);
    const times: number[] = [];
    for (let i = 0; i < warmup + steps; i++) {
      const batch = batchFor(preset.tileSize, unet.outputSize, i);
      const start = performance.now();
      result.losses.push(await trainStep(unet, optimizer, batch, 100 + i));
      if (i >= warmup) times.push(performance.now() - start);
    }
    result.timesMs = times;
    result.msPerStep = median(times);
    const memory = tf.memory() as tf.MemoryInfo & { numBytesAllocatedInGPU?: number };
    result.gpuBytes = memory.numBytesAllocatedInGPU;
  }
  console.log(`RESULT ${JSON.stringify(result)}`);
  process.exit(0); // Dawn and the threaded wasm build keep Node alive
}

function run(backend: string, preset: PresetName, steps: number, warmup: number, threads: number): Measured {
  const args = ['--import', 'tsx', join(benchRoot, 'bench', '_webgpuTrain.ts'), '--measure', backend];
  args.push(
    '--preset',
    preset,
    '--steps',
    String(steps),
    '--warmup',
    String(warmup),
    '--threads',
    String(threads),
  );
  const child = spawnSync(process.execPath, args, { cwd: benchRoot, encoding: 'utf8', timeout: 1_800_000 });
  const line = (child.stdout ?? '').split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) {
    const why = child.signal
      ? `killed (${child.signal})`
      : (child.stderr ?? '').trim().split('\n').slice(-3).join(' ');
    return { backend, description: backend, preset, losses: [], skipped: `failed: ${why}` };
  }
  return JSON.parse(line.slice('RESULT '.length)) as Measured;
}

/** The adapter WebGPU ranks best here, printed; exits when there is none. */
export async function benchAdapter(): Promise<GpuAdapterSummary> {
  const probe = await probeWebGpuAdapter();
  if (probe.adapter === null) {
    console.error(`WebGPU bench: ${probe.reason}`);
    process.exit(1);
  }
  const adapter = probe.adapter;
  console.log(`WebGPU adapter: ${adapter.api}, ${adapter.name}${adapter.isSoftware ? ' (software)' : ''}`);
  return adapter;
}

/** The bench: WebGPU against wasm on this machine, or a correctness check on a software adapter. */
export async function webgpuTrainBench(
  steps: number,
  warmup: number,
  threads: number,
  options: { presets?: PresetName[]; timeSoftware?: boolean } = {},
): Promise<void> {
  const presets = options.presets ?? ['fast', 'paper'];
  const adapter = await benchAdapter();
  if (adapter.isSoftware && !options.timeSoftware) {
    console.log('software adapter: correctness only (no speed figures)');
    const gpu = run('webgpu', 'tiny', 3, 0, threads);
    const cpu = run('cpu', 'tiny', 3, 0, 1);
    const worst = Math.max(...cpu.losses.map((l, i) => Math.abs(l - (gpu.losses[i] ?? Number.NaN))));
    printTable(
      cpu.losses.map((l, i) => ({
        step: i + 1,
        'loss (cpu)': l.toFixed(6),
        [`loss (${gpu.description})`]: gpu.losses[i]?.toFixed(6),
      })),
    );
    console.log(`largest loss difference: ${worst.toExponential(2)} (${worst < 1e-4 ? 'ok' : 'TOO LARGE'})`);
    console.log(`\nwrote ${writeResults('train-webgpu', { adapter, software: true, gpu, cpu, worst })}`);
    if (!(worst < 1e-4)) process.exit(1);
    return;
  }
  const results: Measured[] = [];
  if (adapter.isSoftware) console.log('software adapter: these timings say nothing about a GPU');
  for (const preset of presets) {
    results.push(run('webgpu', preset, steps, warmup, threads));
    results.push(run('wasm', preset, steps, warmup, threads));
  }
  const ms = (r: Measured) => r.msPerStep ?? Number.NaN;
  printTable(
    presets.map((preset) => {
      const [gpu, wasm] = results.filter((r) => r.preset === preset);
      const p = preset === 'tiny' ? TINY : PRESETS[preset];
      return {
        preset: `${preset} (${p.tileSize} tile, ${p.architecture.baseFilters} filters)`,
        'WebGPU ms/step': gpu.skipped ?? ms(gpu),
        [`wasm (${threads} threads) ms/step`]: wasm.skipped ? 'does not fit' : ms(wasm),
        'x faster': ms(wasm) / ms(gpu),
        'GPU MiB': gpu.gpuBytes === undefined ? null : gpu.gpuBytes / 2 ** 20,
      };
    }),
  );
  console.log(
    `(median of ${steps} steps after ${warmup} warm-up; WebGPU on ${adapter.api}, ${adapter.name})`,
  );
  console.log(
    `\nwrote ${writeResults('train-webgpu', { adapter, software: false, steps, warmup, results })}`,
  );
}

const { values } = parseArgs({
  options: {
    measure: { type: 'string' },
    preset: { type: 'string', default: 'fast' },
    steps: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '2' },
    threads: { type: 'string', default: '2' },
  },
  strict: false,
});
if (typeof values.measure === 'string') {
  await measure(
    values.measure as 'webgpu' | 'wasm' | 'cpu',
    values.preset as PresetName,
    Number(values.steps),
    Number(values.warmup),
    Number(values.threads),
  );
}
