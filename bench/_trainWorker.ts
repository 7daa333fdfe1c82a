// The child-process side of `npm run bench -- train`: one backend, one kind of step, one JSON
// line on stdout (`RESULT {...}`). Each measurement runs in its own process so that backends
// and thread counts never share a TF.js instance.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  type BackendName,
  createUNet,
  initBackend,
  PAPER_UNET,
  PRESETS,
  train,
  weightedSoftmaxCrossEntropy,
} from '../src/engine/index';
import { median } from './_common';
import { writeTrainingSet } from './_trainData';

/** What to time: the bare minimize step (SGD or Adam), the product's step, or a forward pass. */
export type StepKind = 'bare-sgd' | 'bare-adam' | 'product' | 'forward572';

export interface WorkerArgs {
  backend: BackendName;
  threads: number;
  kind: StepKind;
  steps: number;
  warmup: number;
  tile: number;
  filters: number;
  /** Product step: how many training images (512x512) to sample tiles from. */
  images: number;
  /** Bare steps: also time one step per TF.js kernel (tf.profile). */
  profile: boolean;
}

export interface WorkerResult {
  description: string;
  msPerStep: number;
  cpuMsPerStep?: number;
  timesMs: number[];
  loss: number;
  /** Product step: start to the first step (backend, data, weight maps, model), ms. */
  setupMs?: number;
  /** Per-kernel time of one bare step (with --profile). */
  profile?: { kernel: string; ms: number; calls: number }[];
}

const cpuNow = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/**
 * The bare step: optimizer.minimize of the weighted cross-entropy on fixed random tensors, with
 * SGD momentum 0.99 (the paper's) or the fast preset's Adam.
 */
async function bareStep(a: WorkerArgs): Promise<Omit<WorkerResult, 'description'>> {
  const config = { ...PRESETS.fast.architecture, baseFilters: a.filters };
  const unet = createUNet(config, a.tile, 1);
  const out = unet.outputSize;
  const adam = PRESETS.fast.optimizer;
  const optimizer =
    a.kind === 'bare-adam' && adam.kind === 'adam'
      ? tf.train.adam(adam.learningRate, adam.beta1, adam.beta2)
      : tf.train.momentum(0.01, 0.99);
  const x = tf.randomUniform([1, a.tile, a.tile, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
  const targets = tf.randomUniform([1, out, out], 0, 2, 'int32', 2) as tf.Tensor3D;
  const weights = tf.randomUniform([1, out, out], 0.5, 1.5, 'float32', 3) as tf.Tensor3D;
  const step = async (): Promise<number> => {
    const cost = optimizer.minimize(
      () => weightedSoftmaxCrossEntropy(unet.apply(x, true), targets, weights),
      true,
      unet.trainableVariables(),
    )!;
    const value = (await cost.data())[0]!;
    cost.dispose();
    return value;
  };
  const timesMs: number[] = [];
  const cpuMs: number[] = [];
  let loss = 0;
  for (let i = 0; i < a.warmup + a.steps; i++) {
    const [start, cpuStart] = [performance.now(), cpuNow()];
    loss = await step();
    if (i >= a.warmup) {
      timesMs.push(performance.now() - start);
      cpuMs.push(cpuNow() - cpuStart);
    }
  }
  let profile: WorkerResult['profile'];
  if (a.profile) {
    const result = await tf.profile(step);
    const byKernel = new Map<string, { ms: number; calls: number }>();
    for (const k of result.kernels) {
      const ms = await k.kernelTimeMs;
      const entry = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
      entry.ms += typeof ms === 'number' ? ms : 0;
      entry.calls++;
      byKernel.set(k.name, entry);
    }
    profile = [...byKernel].map(([kernel, v]) => ({ kernel, ...v })).sort((p, q) => q.ms - p.ms);
  }
  return { msPerStep: median(timesMs), cpuMsPerStep: median(cpuMs), timesMs, loss, profile };
}

/**
 * The product's step: `train()` itself (fast preset, its Adam, augmentation on) on synthetic
 * 512x512 cells, so each step draws a tile from a random image and window, mirrors, deforms,
 * flips and recolours it with its targets and weight map (computed at load, as in the app), runs
 * forward/backward/update and logs. Step times come from the progress events, one per step.
 */
async function productStep(a: WorkerArgs): Promise<Omit<WorkerResult, 'description'>> {
  const dir = mkdtempSync(join(tmpdir(), 'unet-train-bench-'));
  try {
    const files = await writeTrainingSet(join(dir, 'data'), a.images, 512);
    const marks: { step: number; at: number; cpu: number; loss: number }[] = [];
    const start = performance.now();
    let startedAt = start;
    await train(
      {
        images: files.map((f) => ({ image: f.image, annotation: { kind: 'mask' as const, path: f.labels } })),
        outDir: join(dir, 'run'),
        preset: 'fast',
        architecture: { baseFilters: a.filters },
        tileSize: a.tile,
        steps: a.warmup + a.steps,
        valFraction: 0,
        validateEverySteps: 1_000_000,
        checkpointMinutes: 1_000_000,
        backend: a.backend,
        threads: a.threads,
      },
      {
        signal: new AbortController().signal,
        onEvent: (e) => {
          if (e.kind === 'started') startedAt = performance.now();
          if (e.kind === 'progress' && e.loss !== undefined)
            marks.push({ step: e.step, at: performance.now(), cpu: cpuNow(), loss: e.loss });
        },
      },
    );
    // Progress is throttled to one event per 150 ms: take the steps between the first mark
    // after warm-up and the last (always emitted), per step.
    const timed = marks.filter((m) => m.step > a.warmup);
    const first = marks.filter((m) => m.step <= a.warmup).at(-1) ?? marks[0];
    const last = timed.at(-1) ?? marks.at(-1)!;
    const timesMs = timed.map((m, i) => {
      const before = i === 0 ? first : timed[i - 1];
      return (m.at - before.at) / (m.step - before.step);
    });
    const span = last.step - first.step;
    return {
      msPerStep: median(timesMs),
      cpuMsPerStep: span > 0 ? (last.cpu - first.cpu) / span : undefined,
      timesMs,
      loss: last.loss,
      setupMs: startedAt - start,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One 572x572 forward pass of the paper U-Net, twice. */
async function forward572(): Promise<Omit<WorkerResult, 'description'>> {
  const unet = createUNet(PAPER_UNET, 572, 1);
  const x = tf.randomUniform([1, 572, 572, 1]) as tf.Tensor4D;
  const timesMs: number[] = [];
  for (let i = 0; i < 2; i++) {
    const start = performance.now();
    const y = unet.apply(x, false);
    await y.data();
    y.dispose();
    timesMs.push(performance.now() - start);
    if (timesMs[0]! > 30_000) break;
  }
  return { msPerStep: Math.min(...timesMs), timesMs, loss: 0 };
}

/** Runs one measurement and prints `RESULT {...}`; exits (threaded wasm keeps workers alive). */
export async function runWorker(a: WorkerArgs): Promise<void> {
  // The product step starts its own backend (as train() does); the others start it here.
  let description = `${a.backend} (${a.threads} thread${a.threads > 1 ? 's' : ''})`;
  if (a.kind !== 'product')
    description = (await initBackend({ prefer: a.backend, threads: a.threads })).description;
  const result =
    a.kind === 'product'
      ? await productStep(a)
      : a.kind === 'forward572'
        ? await forward572()
        : await bareStep(a);
  console.log(`RESULT ${JSON.stringify({ description, ...result })}`);
  process.exit(0);
}
