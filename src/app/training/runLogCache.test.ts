import { appendFile, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunLogCache } from './runLogCache';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'unet-runlog-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const line = (step: number) =>
  `${JSON.stringify({ kind: 'progress', jobId: 'run_x', step, loss: step / 10 })}\n`;

describe('RunLogCache', () => {
  it('parses only appended whole lines, waits for a torn line to complete, and rereads a shrunk file', async () => {
    const path = join(dir, 'run.jsonl');
    const cache = new RunLogCache();
    expect(await cache.read(path)).toEqual([]);
    await writeFile(path, line(1) + line(2));
    expect((await cache.read(path)).map((l) => (l.kind === 'progress' ? l.step : -1))).toEqual([1, 2]);
    const half = line(3).slice(0, 10);
    await appendFile(path, half);
    expect((await cache.read(path)).length).toBe(2);
    await appendFile(path, line(3).slice(10));
    expect((await cache.read(path)).map((l) => (l.kind === 'progress' ? l.step : -1))).toEqual([1, 2, 3]);
    await truncate(path, line(1).length);
    expect((await cache.read(path)).map((l) => (l.kind === 'progress' ? l.step : -1))).toEqual([1]);
  });
});
