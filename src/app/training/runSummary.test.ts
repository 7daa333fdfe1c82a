import { describe, expect, it } from 'vitest';
import type { RunLogLine } from '../../engine/index';
import type { RunRecord } from './runRecord';
import { runLogPoints, summarizeRun } from './runSummary';

const record: RunRecord = {
  version: 1,
  runId: 'run_abcd1234',
  createdAt: '2026-01-01T00:00:00Z',
  request: { imageIds: [], valFraction: 0.5, preset: 'fast', advanced: { steps: 40 } },
  imageNames: ['a.png'],
  config: {},
};
const at = '2026-01-01T00:00:01Z';
const job = 'run_abcd1234';

const firstSession: RunLogLine[] = [
  { kind: 'started', jobId: job, at, backend: 'wasm' },
  { kind: 'progress', jobId: job, step: 5, totalSteps: 40, loss: 0.7, elapsedSeconds: 3 },
  { kind: 'validation', jobId: job, step: 5, metrics: { foregroundIoU: 0.4 } },
  { kind: 'checkpoint', jobId: job, step: 5, path: '/x', at },
  { kind: 'progress', jobId: job, step: 8, loss: 0.6, elapsedSeconds: 5 },
  { kind: 'validation', jobId: job, step: 8, metrics: { foregroundIoU: 0.3 } },
];

describe('summarizeRun', () => {
  it('names the images held out: none for one image or split 0, else the seeded share', () => {
    expect(summarizeRun(record, [], null, []).heldOutNames).toEqual([]);
    const five = { ...record, imageNames: ['a', 'b', 'c', 'd', 'e'] };
    const held = summarizeRun(five, [], null, []).heldOutNames;
    // round(5 x 0.5) = round(2.5) = 3 of the five (never all of them).
    expect(held.length).toBe(3);
    expect(held.every((n) => five.imageNames.includes(n))).toBe(true);
    const noSplit = { ...five, request: { ...five.request, valFraction: 0 } };
    expect(summarizeRun(noSplit, [], null, []).heldOutNames).toEqual([]);
    // Another seed, another (deterministic) choice from the same images.
    const seeded = { ...five, config: { seed: 7 } };
    expect(summarizeRun(seeded, [], null, []).heldOutNames).toEqual(
      summarizeRun(seeded, [], null, []).heldOutNames,
    );
  });

  it('a log that ends without done/cancelled/failed and no live process is interrupted, resumable from its checkpoint', () => {
    const info = summarizeRun(record, firstSession, null, []);
    expect(info.status).toBe('interrupted');
    expect(info.checkpointStep).toBe(5);
    expect(info.message).toContain('Resume from step 5');
    expect([info.step, info.totalSteps, info.lastLoss, info.backend, info.elapsedSeconds]).toEqual([
      8,
      40,
      0.6,
      'wasm',
      5,
    ]);
    expect([info.bestValidationIoU, info.bestStep]).toEqual([0.4, 5]);
  });

  it('a live process decides the status; a stop is "stopped"; a resume clears the old terminal event', () => {
    expect(summarizeRun(record, firstSession, 'running', []).status).toBe('running');
    const stopped = [...firstSession, { kind: 'cancelled', jobId: job, at, step: 8 } as RunLogLine];
    expect(summarizeRun(record, stopped, null, []).status).toBe('stopped');
    const resumed = [
      ...stopped,
      { kind: 'started', jobId: job, at } as RunLogLine,
      { kind: 'resume', step: 5, at } as RunLogLine,
    ];
    expect(summarizeRun(record, resumed, null, []).status).toBe('interrupted');
    const failed = [
      ...firstSession,
      { kind: 'failed', jobId: job, at, error: { code: 'diverged', message: 'NaN' } } as RunLogLine,
    ];
    expect(summarizeRun(record, failed, null, []).message).toBe('NaN');
  });
});

describe('runLogPoints', () => {
  it('drops the points an interrupted session logged past the checkpoint it resumed from', () => {
    const lines: RunLogLine[] = [
      ...firstSession,
      { kind: 'resume', step: 5, at },
      { kind: 'progress', jobId: job, step: 6, loss: 0.65 },
    ];
    expect(runLogPoints(lines, -1)).toEqual([
      { step: 5, loss: 0.7 },
      { step: 5, validationIoU: 0.4 },
      { step: 6, loss: 0.65 },
    ]);
    expect(runLogPoints(lines, 5)).toEqual([{ step: 6, loss: 0.65 }]);
  });

  it('averages long loss curves in buckets of consecutive points and keeps every validation point', () => {
    const lines: RunLogLine[] = Array.from({ length: 10 }, (_, i) => ({
      kind: 'progress',
      jobId: job,
      step: i + 1,
      loss: i + 1,
    }));
    lines.push({ kind: 'validation', jobId: job, step: 4, metrics: { foregroundIoU: 0.5 } });
    // 10 loss points, at most 4 -> buckets of 3: (1,2,3) (4,5,6) (7,8,9) (10).
    expect(runLogPoints(lines, -1, 4)).toEqual([
      { step: 3, loss: 2 },
      { step: 4, validationIoU: 0.5 },
      { step: 6, loss: 5 },
      { step: 9, loss: 8 },
      { step: 10, loss: 10 },
    ]);
  });
});
