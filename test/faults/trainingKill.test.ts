import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadCheckpoint,
  lossCurve,
  matchTrainingPairs,
  readRunLog,
  startTrainingProcess,
  type TrainConfigInput,
  type TrainingOutcome,
} from '../../src/engine/index';
import type { JobEvent } from '../../src/shared/jobs';
import { writeDiscDataset } from '../training/syntheticData';

// kill -9 the training process at random moments, again and again. Checkpoints are
// written every 2 steps, so the kills land during steps and during checkpoint writes. Each
// resume must start from the last complete checkpoint, the run log must stay readable, and
// the finished run's loss curve must run from the first step to the last, in order.

// Long enough that a kill 0.1-1 s after the first step lands mid-run even on an idle machine
// (a step of this tiny net takes a few ms there).
const STEPS = 160;
let root: string;
let base: TrainConfigInput;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'unet-trainkill-'));
  const data = await writeDiscDataset(join(root, 'data'), { count: 3, width: 48, height: 40, seed: 'h7' });
  const { pairs } = await matchTrainingPairs(data.images, data.labels);
  base = {
    images: pairs,
    outDir: join(root, 'run'),
    architecture: { depth: 2, baseFilters: 4 },
    tileSize: 60,
    batch: 1,
    steps: STEPS,
    checkpointEverySteps: 2,
    validateEverySteps: 1000,
    valFraction: 0,
    backend: 'wasm',
    seed: 11,
  };
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

interface Session {
  events: JobEvent[];
  outcome: TrainingOutcome;
}

/** Runs one training process; with `killAfterMs`, SIGKILLs it that long after its first step. */
async function session(config: TrainConfigInput, killAfterMs?: number): Promise<Session> {
  const events: JobEvent[] = [];
  let killTimer: NodeJS.Timeout | undefined;
  const run = startTrainingProcess(config, {
    onEvent: (event) => {
      events.push(event);
      const stepped = event.kind === 'progress' && event.loss !== undefined;
      if (stepped && killAfterMs !== undefined && killTimer === undefined) {
        killTimer = setTimeout(() => run.kill(), killAfterMs);
      }
    },
  });
  const outcome = await run.done;
  clearTimeout(killTimer);
  return { events, outcome };
}

describe('training survives kill -9 at random moments', () => {
  it('resumes each time from the last complete checkpoint; log readable; curve whole', async () => {
    let lastCheckpoint = 0;
    let kills = 0;
    for (let round = 0; round < 3 && lastCheckpoint < STEPS; round++) {
      const killAfterMs = round < 2 ? 100 + Math.random() * 900 : undefined;
      // Killed before its first checkpoint, there is nothing to resume: start again (the same
      // folder, whose log then holds the killed session's steps too).
      const resume = round > 0 && lastCheckpoint > 0;
      const { events, outcome } = await session({ ...base, resume }, killAfterMs);
      const tag = `round ${round} (kill after ${killAfterMs?.toFixed(0)} ms)`;
      if (resume) {
        const resumed = events.find((e) => e.kind === 'progress' && e.message?.startsWith('resuming'));
        expect(resumed, tag).toMatchObject({ message: `resuming from step ${lastCheckpoint}` });
      }
      if (outcome.status === 'done') break;
      kills++;
      expect([tag, outcome.signal]).toEqual([tag, 'SIGKILL']);
      // The checkpoint a resume will read: complete, and the newest the process announced
      // (or the one being written when it died).
      const announced = Math.max(
        lastCheckpoint,
        ...events.flatMap((e) => (e.kind === 'checkpoint' ? [e.step] : [])),
      );
      const saved = await loadCheckpoint(base.outDir);
      const step = saved?.step ?? 0;
      expect([tag, step >= announced && step <= announced + 2]).toEqual([tag, true]);
      expect(saved === null || saved.tensors.every((t) => t.data.every(Number.isFinite))).toBe(true);
      lastCheckpoint = step;
      // The log stays readable after every kill (a torn last line is skipped, never fatal).
      await readRunLog(join(base.outDir, 'run.jsonl'));
    }
    expect(kills).toBeGreaterThanOrEqual(1);

    // Finish the run if the last kill left steps to do.
    const saved = await loadCheckpoint(base.outDir);
    if ((saved?.step ?? 0) < STEPS) {
      const { outcome } = await session({ ...base, resume: saved !== null });
      expect(outcome.status).toBe('done');
    }
    const lines = await readRunLog(join(base.outDir, 'run.jsonl'));
    const steps = lossCurve(lines).map((p) => p.step);
    const trace = lines.map((l) => `${l.kind}:${'step' in l ? l.step : ''}`).join(' ');
    // Progress lines are throttled (at most every ~100 ms), so not every step has a point; but
    // the curve runs from step 1 to the end, each step at most once, in order, across resumes.
    expect([steps[0], steps.at(-1)], trace).toEqual([1, STEPS]);
    expect(
      steps.every((s, i) => i === 0 || s > steps[i - 1]),
      trace,
    ).toBe(true);
    const curve = lossCurve(lines);
    expect(curve.every((p) => Number.isFinite(p.loss))).toBe(true);
    // No half-written checkpoint folder is left where a later run would read it.
    const leftovers = (await readdir(base.outDir)).filter(
      (n) => n.startsWith('checkpoint') && n !== 'checkpoint',
    );
    expect(leftovers).toEqual([]);
  });

  it('a diverging learning rate stops with "diverged" and keeps the last good checkpoint', async () => {
    const outDir = join(root, 'diverge');
    const sgd = { ...base, outDir, optimizer: 'sgd' as const };
    const good = await session({ ...sgd, steps: 4 });
    expect(good.outcome.status).toBe('done');
    const before = await loadCheckpoint<unknown>(outDir);
    expect(before?.step).toBe(4);

    const bad = await session({ ...sgd, steps: 12, resume: true, learningRate: 1e30 });
    expect(
      bad.outcome.status,
      bad.events.map((e) => (e.kind === 'progress' ? `${e.step}:${e.loss}` : e.kind)).join(' '),
    ).toBe('failed');
    expect(bad.outcome.event).toMatchObject({ kind: 'failed', error: { code: 'diverged' } });
    if (bad.outcome.event.kind === 'failed') {
      expect(bad.outcome.event.error.message).toMatch(/diverged at step \d+.*learning rate/);
    }
    const after = await loadCheckpoint<unknown>(outDir);
    expect(after?.step).toBeGreaterThanOrEqual(4);
    expect(after!.tensors.every((t) => t.data.every(Number.isFinite))).toBe(true);
  });
});
