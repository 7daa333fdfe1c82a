import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunRecord, readRunRecord, writeRunRecord } from './runRecord';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'run-record-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const record: RunRecord = {
  version: 1,
  runId: 'run_abcd1234',
  createdAt: '2026-01-01T00:00:00Z',
  request: { imageIds: ['img_0123456789ab'], valFraction: 0.2, preset: 'fast', advanced: { steps: 40 } },
  imageNames: ['a.png'],
  config: { preset: 'fast', steps: 40 },
};

describe('run.json', () => {
  it('round-trips a record', async () => {
    await writeRunRecord(dir, record);
    expect(await readRunRecord(dir)).toEqual(record);
  });

  it('refuses what is not a run record, naming the file; a missing one is not_found', async () => {
    await expect(readRunRecord(join(dir, 'none'))).rejects.toMatchObject({ code: 'not_found' });
    const bad = [
      'not json',
      JSON.stringify({ ...record, version: 2 }),
      JSON.stringify({ ...record, request: { ...record.request, preset: 'huge' } }),
      JSON.stringify({ runId: record.runId }),
    ];
    for (const [i, text] of bad.entries()) {
      const folder = join(dir, `r${i}`);
      await mkdir(folder);
      await writeFile(join(folder, 'run.json'), text);
      await expect(readRunRecord(folder)).rejects.toMatchObject({
        code: 'corrupt_file',
        message: expect.stringContaining(join(folder, 'run.json')),
      });
    }
  });
});
