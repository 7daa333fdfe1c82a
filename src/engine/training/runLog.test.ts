import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { lossCurve, parseRunLog, RunLogWriter, readRunLog } from './runLog';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'runlog-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const progress = (step: number, loss: number) => ({ kind: 'progress' as const, jobId: 'j', step, loss });

describe('run log', () => {
  it('appends JSON lines in order and reads them back', async () => {
    const path = join(dir, 'run.jsonl');
    const log = await RunLogWriter.open(path);
    for (let s = 1; s <= 5; s++) log.append(progress(s, 1 / s));
    await log.close();
    const text = await readFile(path, 'utf8');
    expect(text.split('\n').length).toBe(6); // 5 lines + trailing newline
    const lines = await readRunLog(path);
    expect(lines.map((l) => (l.kind === 'progress' ? l.step : -1))).toEqual([1, 2, 3, 4, 5]);
  });

  it('skips a torn final line but rejects a bad line in the middle', async () => {
    const good = `${JSON.stringify(progress(1, 0.5))}\n${JSON.stringify(progress(2, 0.4))}\n`;
    expect(parseRunLog(`${good}{"kind":"progr`)).toHaveLength(2);
    const bad = `${JSON.stringify(progress(1, 0.5))}\n{"kind":"pro\n${JSON.stringify(progress(2, 0.4))}\n`;
    expect(() => parseRunLog(bad, 'x.jsonl')).toThrow(AppError);
    expect(() => parseRunLog(bad, 'x.jsonl')).toThrow(/line 2/);
  });

  it('cuts a torn tail on open so the next line starts clean', async () => {
    const path = join(dir, 'run.jsonl');
    await writeFile(path, `${JSON.stringify(progress(1, 0.5))}\n`);
    await appendFile(path, '{"kind":"progress","jobId":"j","st');
    const log = await RunLogWriter.open(path);
    log.append(progress(2, 0.25));
    await log.close();
    const text = await readFile(path, 'utf8');
    expect(text).toBe(`${JSON.stringify(progress(1, 0.5))}\n${JSON.stringify(progress(2, 0.25))}\n`);
  });

  it('loss curve follows a resume: points past the checkpoint step are replaced', () => {
    const lines = [
      progress(1, 1),
      progress(2, 0.9),
      progress(3, 0.8),
      progress(4, 0.7), // logged after the step-2 checkpoint, lost on the kill
      { kind: 'resume' as const, step: 2, at: 'now' },
      progress(3, 0.85),
      progress(4, 0.75),
    ];
    expect(lossCurve(lines)).toEqual([
      { step: 1, loss: 1 },
      { step: 2, loss: 0.9 },
      { step: 3, loss: 0.85 },
      { step: 4, loss: 0.75 },
    ]);
  });

  it('reads each line through the event schema: typed error codes, a numeric resume step', () => {
    const lines = [
      { kind: 'started', jobId: 'j', at: 't', backend: 'cpu' },
      { kind: 'progress', jobId: 'j', step: 7, message: 'resuming from step 7', resumedFrom: 7 },
      { kind: 'step', step: 8, loss: 0.5 },
      { kind: 'failed', jobId: 'j', at: 't', error: { code: 'out_of_memory', message: 'm' } },
    ];
    const parsed = parseRunLog(`${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    expect(parsed).toEqual(lines);
    const wrong = [
      '{"kind":"failed","jobId":"j","at":"t","error":{"code":"bogus","message":"m"}}',
      '{"kind":"progress","jobId":"j","step":"seven"}',
      '{"kind":"launched","jobId":"j"}',
      '[1, 2]',
    ];
    for (const line of wrong) {
      const text = `${JSON.stringify(progress(1, 0.5))}\n${line}\n`;
      expect(() => parseRunLog(text, 'r.jsonl')).toThrow(/r\.jsonl: line 2 is not a JSON event/);
    }
  });
});
