import { fork } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CheckpointData, loadCheckpoint, saveCheckpoint } from './checkpointStore';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ckpt-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A checkpoint whose every value is derived from its step, so a mixed one is detectable. */
function checkpointOf(step: number): CheckpointData<{ step: number; note: string }> {
  return {
    step,
    state: { step, note: `state of ${step}` },
    tensors: [
      {
        name: 'w',
        shape: [2, 3],
        dtype: 'float32',
        data: Float32Array.from({ length: 6 }, (_, i) => step + i / 8),
      },
      { name: 'n', shape: [2], dtype: 'int32', data: Int32Array.from([step, -step]) },
    ],
  };
}

function expectConsistent(data: CheckpointData<{ step: number; note: string }> | null, step: number): void {
  expect(data).not.toBeNull();
  expect(data!.step).toBe(step);
  expect(data!.state).toEqual({ step, note: `state of ${step}` });
  expect(Array.from(data!.tensors[0].data)).toEqual(Array.from({ length: 6 }, (_, i) => step + i / 8));
  expect(data!.tensors[0].shape).toEqual([2, 3]);
  expect(data!.tensors[1].data).toBeInstanceOf(Int32Array);
  expect(Array.from(data!.tensors[1].data)).toEqual([step, -step]);
}

describe('checkpoint store', () => {
  it('round-trips tensors and state, replacing the previous checkpoint', async () => {
    expect(await loadCheckpoint(dir)).toBeNull();
    await saveCheckpoint(dir, checkpointOf(3));
    await saveCheckpoint(dir, checkpointOf(7));
    expectConsistent(await loadCheckpoint(dir), 7);
    expect(await readdir(dir)).toEqual(['checkpoint']);
  });

  it('after a kill between the two renames, picks the newer complete folder', async () => {
    await saveCheckpoint(dir, checkpointOf(1));
    const other = await mkdtemp(join(tmpdir(), 'ckpt-b-'));
    await saveCheckpoint(other, checkpointOf(2));
    // State right after "rename checkpoint -> old" and before "rename tmp -> checkpoint".
    await cp(join(dir, 'checkpoint'), join(dir, 'checkpoint.old-aaaa'), { recursive: true });
    await rm(join(dir, 'checkpoint'), { recursive: true });
    await cp(join(other, 'checkpoint'), join(dir, 'checkpoint.tmp-bbbb'), { recursive: true });
    await rm(other, { recursive: true });
    expectConsistent(await loadCheckpoint(dir), 2);
    expect(await readdir(dir)).toEqual(['checkpoint']);
  });

  it('ignores an incomplete or damaged folder and keeps the old complete one', async () => {
    await saveCheckpoint(dir, checkpointOf(4));
    // An unfinished new folder (no manifest yet) ...
    await cp(join(dir, 'checkpoint'), join(dir, 'checkpoint.tmp-cccc'), { recursive: true });
    await rm(join(dir, 'checkpoint.tmp-cccc', 'manifest.json'));
    expectConsistent(await loadCheckpoint(dir), 4);
    // ... and a damaged tensor file in an otherwise newer-looking copy.
    await cp(join(dir, 'checkpoint'), join(dir, 'checkpoint.old-dddd'), { recursive: true });
    const bin = join(dir, 'checkpoint', 'tensors.bin');
    const bytes = await readFile(bin);
    bytes[0] ^= 0xff;
    await writeFile(bin, bytes);
    expectConsistent(await loadCheckpoint(dir), 4);
  });

  it('a kill -9 at any moment of repeated saves leaves one complete checkpoint', async () => {
    const writer = join(dir, 'writer.mts');
    const store = join(__dirname, 'checkpointStore.ts');
    await writeFile(
      writer,
      `import { saveCheckpoint } from ${JSON.stringify(store)};
const out = process.argv[2];
const big = 200_000;
for (let step = Number(process.argv[3]); ; step++) {
  await saveCheckpoint(out, { step, state: { step, note: 'state of ' + step }, tensors: [
    { name: 'w', shape: [2, 3], dtype: 'float32', data: Float32Array.from({ length: 6 }, (_, i) => step + i / 8) },
    { name: 'n', shape: [2], dtype: 'int32', data: Int32Array.from([step, -step]) },
    { name: 'pad', shape: [big], dtype: 'float32', data: new Float32Array(big).fill(step) },
  ] });
  if (step % 5 === 0) process.send?.(step);
}
`,
    );
    const out = join(dir, 'run');
    let next = 1;
    for (let round = 0; round < 4; round++) {
      const child = fork(writer, [out, String(next)], {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      });
      await new Promise<void>((resolve, reject) => {
        child.once('message', () => resolve());
        child.once('exit', (code) => reject(new Error(`writer exited early (${code})`)));
      });
      await new Promise((resolve) => setTimeout(resolve, 37 * (round + 1)));
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      const loaded = await loadCheckpoint<{ step: number; note: string }>(out);
      expect(loaded).not.toBeNull();
      const step = loaded!.step;
      expect(step).toBeGreaterThanOrEqual(next);
      expectConsistent({ ...loaded!, tensors: loaded!.tensors.slice(0, 2) }, step);
      expect(loaded!.tensors[2].data.every((v) => v === step)).toBe(true);
      next = step + 1;
    }
  }, 60_000);
});
