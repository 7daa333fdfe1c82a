import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AppError,
  loadCheckpoint,
  loadModelFolder,
  lossCurve,
  matchTrainingPairs,
  readRunLog,
  type TrainConfigInput,
  train,
} from '../../src/engine/index';
import type { JobEvent } from '../../src/shared/jobs';
import { writeDiscDataset } from './syntheticData';

let root: string;
let images: TrainConfigInput['images'];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'train-test-'));
  const data = await writeDiscDataset(join(root, 'data'), { count: 4, width: 48, height: 40 });
  images = (await matchTrainingPairs(data.images, data.labels)).pairs;
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A tiny run: depth 2, 8 filters, 60 px tile (20 px output), wasm backend. */
function tiny(outDir: string, extra: Partial<TrainConfigInput> = {}): TrainConfigInput {
  return {
    images,
    outDir: join(root, outDir),
    architecture: { depth: 2, baseFilters: 8, dropout: 0 },
    tileSize: 60,
    batch: 2,
    steps: 10,
    valFraction: 0.25,
    validateEverySteps: 1000,
    backend: 'wasm',
    seed: 3,
    ...extra,
  };
}

/** A clock that moves 200 ms per reading, so every step emits a progress event. */
function steppingClock(): { now: () => number } {
  let t = 0;
  return { now: () => (t += 200) };
}

async function run(config: TrainConfigInput, signal = new AbortController().signal) {
  const events: JobEvent[] = [];
  const result = await train(config, { signal, onEvent: (e) => events.push(e), clock: steppingClock() });
  return { result, events };
}

async function weightsOf(dir: string): Promise<Map<string, Float32Array>> {
  const { unet } = await loadModelFolder(dir);
  try {
    return new Map([...unet.getWeights()].map(([name, w]) => [name, w.data]));
  } finally {
    unet.dispose();
  }
}

describe('train (in process, wasm backend, tiny U-Net)', () => {
  it('learns the disc task: the loss drops clearly and validation IoU is high', async () => {
    const { result, events } = await run(
      tiny('learn', { steps: 60, optimizer: 'adam', learningRate: 0.01, validateEverySteps: 30 }),
    );
    expect(result.status).toBe('done');
    expect(result.steps).toBe(60);
    const losses = events.flatMap((e) => (e.kind === 'progress' && e.loss !== undefined ? [e.loss] : []));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(losses.slice(-10))).toBeLessThan(0.5 * mean(losses.slice(0, 10)));
    const validations = events.filter((e) => e.kind === 'validation');
    expect(validations.map((e) => e.step)).toEqual([30, 60]);
    expect(result.bestValidationIoU).toBeGreaterThan(0.6);
    // The log on disk holds the same curve.
    const curve = lossCurve(await readRunLog(join(root, 'learn', 'run.jsonl')));
    expect(curve.map((p) => p.step)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    const last = events.at(-1);
    expect(last?.kind).toBe('done');
  });

  it('keeps the tensor count flat over many steps (validation and checkpoints included)', async () => {
    const counts = new Map<number, number>();
    const events: JobEvent[] = [];
    await train(tiny('leak', { steps: 50, validateEverySteps: 20, checkpointEverySteps: 15 }), {
      signal: new AbortController().signal,
      clock: steppingClock(),
      onEvent: (e) => {
        events.push(e);
        if (e.kind === 'progress') counts.set(e.step, tf.memory().numTensors);
      },
    });
    expect(events.some((e) => e.kind === 'validation')).toBe(true);
    expect(events.filter((e) => e.kind === 'checkpoint').map((e) => e.step)).toEqual([15, 30, 45, 50]);
    expect(counts.get(5)).toBeDefined();
    expect(counts.get(50)).toBe(counts.get(5));
  });

  it('3 steps + resume 3 steps gives the weights of 6 straight steps (SGD momentum)', async () => {
    // A constant rate: with a schedule, a budget of 3 then 6 steps anneals differently from 6.
    const sgd = {
      optimizer: 'sgd' as const,
      learningRate: 0.05,
      momentum: 0.99,
      schedule: 'constant' as const,
    };
    await run(tiny('straight', { ...sgd, steps: 6 }));
    const first = await run(tiny('resumed', { ...sgd, steps: 3 }));
    expect(first.result.steps).toBe(3);
    expect((await loadCheckpoint(join(root, 'resumed')))?.step).toBe(3);
    const second = await run(tiny('resumed', { ...sgd, steps: 6, resume: true }));
    expect(second.result.steps).toBe(6);
    expect(second.events.some((e) => e.kind === 'progress' && e.message === 'resuming from step 3')).toBe(
      true,
    );
    const a = await weightsOf(join(root, 'straight', 'model'));
    const b = await weightsOf(join(root, 'resumed', 'model'));
    expect([...b.keys()]).toEqual([...a.keys()]);
    let worst = 0;
    for (const [name, wa] of a) {
      const wb = b.get(name)!;
      for (let i = 0; i < wa.length; i++) worst = Math.max(worst, Math.abs(wa[i] - wb[i]));
    }
    expect(worst).toBeLessThan(1e-6);
    // Moving away from the start at all: the weights are not simply the initial ones.
    const steps = lossCurve(await readRunLog(join(root, 'resumed', 'run.jsonl'))).map((p) => p.step);
    expect(steps).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('with dropout on, 2 steps + resume 2 steps gives the weights of 4 straight steps (seeded masks)', async () => {
    const withDropout = {
      architecture: { depth: 2, baseFilters: 8, dropout: 0.5 },
      schedule: 'constant' as const,
    };
    await run(tiny('dropStraight', { ...withDropout, steps: 4 }));
    await run(tiny('dropResumed', { ...withDropout, steps: 2 }));
    await run(tiny('dropResumed', { ...withDropout, steps: 4, resume: true }));
    const a = await weightsOf(join(root, 'dropStraight', 'model'));
    const b = await weightsOf(join(root, 'dropResumed', 'model'));
    let worst = 0;
    for (const [name, wa] of a) {
      const wb = b.get(name)!;
      for (let i = 0; i < wa.length; i++) worst = Math.max(worst, Math.abs(wa[i] - wb[i]));
    }
    expect(worst).toBeLessThan(1e-6);
  });

  it('stopped at step 3 of 6 and resumed: the cosine schedule and weight average repeat the straight run', async () => {
    const config = { steps: 6, learningRate: 0.01, validateEverySteps: 3 };
    const straight = await run(tiny('emaStraight', config));
    const rates = straight.events.flatMap((e) =>
      e.kind === 'progress' && e.learningRate ? [e.learningRate] : [],
    );
    // Warm-up then cosine (fast preset): the rate rises, then falls to 1% of the base at the end.
    expect(Math.max(...rates)).toBeGreaterThan(rates[0]);
    expect(rates.at(-1)).toBeLessThan(0.2 * Math.max(...rates));
    const controller = new AbortController();
    await train(tiny('emaResumed', config), {
      signal: controller.signal,
      clock: steppingClock(),
      onEvent: (e) => {
        if (e.kind === 'progress' && e.step === 3) controller.abort();
      },
    });
    expect((await loadCheckpoint(join(root, 'emaResumed')))?.step).toBe(3);
    const resumed = await run(tiny('emaResumed', { ...config, resume: true }));
    expect(resumed.result.steps).toBe(6);
    const resumedRates = resumed.events.flatMap((e) =>
      e.kind === 'progress' && e.learningRate ? [e.learningRate] : [],
    );
    expect(resumedRates).toEqual(rates.slice(3));
    // model/ is the weight average; the checkpoint also holds the training weights: both match.
    const a = await weightsOf(join(root, 'emaStraight', 'model'));
    const b = await weightsOf(join(root, 'emaResumed', 'model'));
    for (const [name, wa] of a) expect(maxDiff(wa, b.get(name)!)).toBeLessThan(1e-6);
    const trainA = (await loadCheckpoint(join(root, 'emaStraight')))!.tensors;
    const trainB = (await loadCheckpoint(join(root, 'emaResumed')))!.tensors;
    expect(trainA.map((t) => t.name)).toEqual(trainB.map((t) => t.name));
    expect(trainA.some((t) => t.name.startsWith('train/'))).toBe(true);
    for (const [i, t] of trainA.entries()) expect(maxDiff(t.data, trainB[i].data)).toBeLessThan(1e-6);
    // The average differs from the training weights it follows.
    const averaged = trainA.find((t) => t.name === 'model/head/kernel')!;
    const trained = trainA.find((t) => t.name === 'train/head/kernel')!;
    expect(maxDiff(averaged.data, trained.data)).toBeGreaterThan(1e-6);
    // The run record says which model is which.
    expect(straight.result.finalValidationIoU).not.toBeNull();
    expect(straight.result.bestStep).not.toBeNull();
    expect([straight.result.modelPath, straight.result.bestModelPath]).toContain(
      straight.result.recommendedModelPath,
    );
  });

  it('logs every step loss even when progress events are throttled (a clock that stands still)', async () => {
    const events: JobEvent[] = [];
    const frozen = { now: () => 0 };
    await train(tiny('throttled', { steps: 7 }), {
      signal: new AbortController().signal,
      onEvent: (e) => events.push(e),
      clock: frozen,
    });
    // Within one throttle interval only the first and the last step reach the UI...
    const shown = events.flatMap((e) => (e.kind === 'progress' && e.loss !== undefined ? [e.step] : []));
    expect(shown.length).toBeLessThan(7);
    // ...but the run log, and so the loss curve, holds every step once.
    const curve = lossCurve(await readRunLog(join(root, 'throttled', 'run.jsonl')));
    expect(curve.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(curve.every((p) => Number.isFinite(p.loss))).toBe(true);
  });

  it('a fresh start in a folder whose killed session left a log (no checkpoint) restarts the curve', async () => {
    const outDir = join(root, 'restarted');
    await mkdir(outDir, { recursive: true });
    const stale = [1, 2, 3].map((step) => JSON.stringify({ kind: 'progress', jobId: 'old', step, loss: 9 }));
    await writeFile(join(outDir, 'run.jsonl'), `${stale.join('\n')}\n`);
    await run(tiny('restarted', { steps: 2 }));
    const curve = lossCurve(await readRunLog(join(outDir, 'run.jsonl')));
    expect(curve.map((p) => p.step)).toEqual([1, 2]);
    expect(curve.some((p) => p.loss === 9)).toBe(false);
  });

  it('refuses to resume with another tile, and to overwrite a checkpoint without resume', async () => {
    await expect(
      train(tiny('resumed', { steps: 8, resume: true, tileSize: 76 }), quiet()),
    ).rejects.toMatchObject({
      code: 'incompatible_model',
      message: expect.stringMatching(/tile size was 60, now 76/),
    });
    await expect(train(tiny('resumed', { steps: 8 }), quiet())).rejects.toMatchObject({ code: 'conflict' });
    await expect(train(tiny('nothing-here', { resume: true }), quiet())).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('refuses up front what the wasm heap cannot hold (paper preset, 572 tile), with advice', async () => {
    const paper = {
      images,
      outDir: join(root, 'paper'),
      preset: 'paper' as const,
      steps: 1,
      backend: 'wasm' as const,
    };
    await expect(train(paper, quiet())).rejects.toMatchObject({
      code: 'out_of_memory',
      message: expect.stringMatching(/572 px tile.*fast preset/),
    });
  });

  it('a diverging loss stops with "diverged" and keeps the last good checkpoint', async () => {
    const events: JobEvent[] = [];
    const config = tiny('diverge', {
      optimizer: 'sgd',
      learningRate: 1e12,
      steps: 40,
      checkpointEverySteps: 1,
    });
    const error = await train(config, { ...quiet(), onEvent: (e) => events.push(e) }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('diverged');
    expect(events.at(-1)?.kind).toBe('failed');
    const checkpoint = await loadCheckpoint(join(root, 'diverge'));
    expect(checkpoint).not.toBeNull();
    for (const t of checkpoint!.tensors) expect(t.data.every(Number.isFinite)).toBe(true);
  });

  it('checkpoints by time (checkpointMinutes) and refuses a second run into a busy folder', async () => {
    const events: JobEvent[] = [];
    let second: Promise<unknown> | null = null;
    // The stepping clock advances 200 ms per reading; 0.01 min = 600 ms of it.
    await train(tiny('timed', { steps: 12, checkpointMinutes: 0.01 }), {
      ...quiet(),
      onEvent: (e) => {
        events.push(e);
        if (e.kind === 'started')
          second = train(tiny('timed', { steps: 12 }), quiet()).catch((error: unknown) => error);
      },
    });
    const steps = events.filter((e) => e.kind === 'checkpoint').map((e) => e.step);
    expect(steps.length).toBeGreaterThanOrEqual(3);
    expect(steps.at(-1)).toBe(12);
    expect(await second).toMatchObject({ code: 'locked' });
  });

  it('an abort (even during validation) checkpoints, writes the model and reports cancelled', async () => {
    const controller = new AbortController();
    const events: JobEvent[] = [];
    // Validation is due at step 4 too: the abort must cut it short rather than fail the run.
    const result = await train(tiny('abort', { steps: 1000, validateEverySteps: 4 }), {
      signal: controller.signal,
      clock: steppingClock(),
      onEvent: (e) => {
        events.push(e);
        if (e.kind === 'progress' && e.step === 4) controller.abort();
      },
    });
    expect(result.status).toBe('cancelled');
    expect(result.steps).toBe(4);
    expect(events.at(-1)).toMatchObject({ kind: 'cancelled', step: 4 });
    expect(events.some((e) => e.kind === 'validation' || e.kind === 'failed')).toBe(false);
    expect((await loadCheckpoint(join(root, 'abort')))?.step).toBe(4);
    expect((await weightsOf(join(root, 'abort', 'model'))).size).toBeGreaterThan(0);
  });
});

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

function quiet() {
  return { signal: new AbortController().signal, onEvent: () => {}, clock: steppingClock() };
}
