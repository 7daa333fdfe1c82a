import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
import { requireWebGpuAdapter } from '../support/webgpu';
import { writeDiscDataset } from './syntheticData';

// Checkpoints carry float32 weights and optimiser slots, nothing of the backend: a run
// checkpointed on WebGPU resumes on wasm and the other way round, and ends where a run on one
// backend does. The net is tiny because SwiftShader (no GPU here) is slow.

let root: string;
let images: TrainConfigInput['images'];

beforeAll(async () => {
  await requireWebGpuAdapter();
  root = await mkdtemp(join(tmpdir(), 'webgpu-train-'));
  const data = await writeDiscDataset(join(root, 'data'), { count: 2, width: 40, height: 36 });
  images = (await matchTrainingPairs(data.images, data.labels)).pairs;
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Depth 1, 2 filters, 28 px tile (12 px output), SGD momentum 0.99 and dropout: the paper's loop in small. */
function tiny(outDir: string, backend: 'wasm' | 'webgpu', steps: number, resume = false): TrainConfigInput {
  return {
    images,
    outDir: join(root, outDir),
    architecture: { depth: 1, baseFilters: 2, dropout: 0.5 },
    tileSize: 28,
    batch: 1,
    steps,
    valFraction: 0,
    optimizer: 'sgd',
    learningRate: 0.05,
    momentum: 0.99,
    // A constant rate: the 3-step legs resumed to 6 would otherwise get a schedule of their own
    // (a resume that changes the budget starts a new warm-up), unlike the straight 6-step run.
    schedule: 'constant',
    backend,
    threads: 1,
    seed: 7,
    resume,
  };
}

async function run(config: TrainConfigInput): Promise<JobEvent[]> {
  const events: JobEvent[] = [];
  await train(config, { signal: new AbortController().signal, onEvent: (e) => events.push(e) });
  return events;
}

async function weightsOf(dir: string): Promise<Map<string, Float32Array>> {
  const { unet } = await loadModelFolder(dir);
  try {
    return new Map([...(await unet.readWeights())].map(([name, w]) => [name, w.data]));
  } finally {
    unet.dispose();
  }
}

async function worstDifference(a: string, b: string): Promise<number> {
  const wa = await weightsOf(join(root, a, 'model'));
  const wb = await weightsOf(join(root, b, 'model'));
  expect([...wb.keys()]).toEqual([...wa.keys()]);
  let worst = 0;
  for (const [name, values] of wa) {
    const other = wb.get(name)!;
    for (let i = 0; i < values.length; i++) worst = Math.max(worst, Math.abs(values[i] - other[i]));
  }
  return worst;
}

describe('train() on WebGPU: checkpoints cross to wasm and back, validation, divergence', () => {
  it('webgpu -> wasm and wasm -> webgpu resumes end within 1e-4 of 6 straight steps on wasm', async () => {
    await run(tiny('straight', 'wasm', 6));
    const started = (events: JobEvent[]) => events.find((e) => e.kind === 'started');

    const onGpu = await run(tiny('gpuFirst', 'webgpu', 3));
    expect(started(onGpu)).toMatchObject({ backend: expect.stringMatching(/^WebGPU \(/) });
    const thenWasm = await run(tiny('gpuFirst', 'wasm', 6, true));
    expect(started(thenWasm)).toMatchObject({ backend: expect.stringMatching(/^WebAssembly/) });
    expect(thenWasm.some((e) => e.kind === 'progress' && e.message === 'resuming from step 3')).toBe(true);

    await run(tiny('wasmFirst', 'wasm', 3));
    const thenGpu = await run(tiny('wasmFirst', 'webgpu', 6, true));
    expect(thenGpu.at(-1)?.kind).toBe('done');

    // SGD momentum 0.99 carries each step's rounding into the next: 1e-4 on weights of ~0.1-1.
    expect(await worstDifference('straight', 'gpuFirst')).toBeLessThan(1e-4);
    expect(await worstDifference('straight', 'wasmFirst')).toBeLessThan(1e-4);
    const steps = lossCurve(await readRunLog(join(root, 'wasmFirst', 'run.jsonl'))).map((p) => p.step);
    expect(steps).toEqual([1, 2, 3, 4, 5, 6]);
  }, 600_000);

  it('validates on WebGPU, and stops a diverging run with "diverged", keeping the last good checkpoint', async () => {
    const base = {
      ...tiny('diverge', 'webgpu', 2),
      valFraction: 0.5,
      validateEverySteps: 2,
      checkpointEverySteps: 1,
    };
    const first = await run(base);
    expect(first.filter((e) => e.kind === 'validation').map((e) => e.step)).toEqual([2]);
    // Resumed with a learning rate that blows the weights up.
    const events: JobEvent[] = [];
    const error = await train(
      { ...base, steps: 8, resume: true, learningRate: 1e12 },
      { signal: new AbortController().signal, onEvent: (e) => events.push(e) },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('diverged');
    expect(events.at(-1)?.kind).toBe('failed');
    const checkpoint = await loadCheckpoint(join(root, 'diverge'));
    expect(checkpoint?.step).toBeGreaterThanOrEqual(2);
    for (const t of checkpoint!.tensors) expect(t.data.every(Number.isFinite)).toBe(true);
  }, 600_000);
});
