import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint, lossCurve, readRunLog } from '../../src/engine/index';
import { writeDiscDataset } from './syntheticData';

const repo = join(__dirname, '..', '..');
let root: string;
let data: { images: string; labels: string };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'kill-resume-'));
  data = await writeDiscDataset(join(root, 'data'), { count: 4, width: 48, height: 40 });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

interface Cli {
  process: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

function cli(args: string[]): Cli {
  const child = spawn(process.execPath, [join(repo, 'bin', 'unet-studio.mjs'), ...args], {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { process: child, stdout: () => out, stderr: () => err, exit };
}

async function waitFor<T>(probe: () => T | undefined, what: string, ms = 90_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('unet-studio train: kill -9, --resume, Ctrl-C', () => {
  it('survives a SIGKILL of the training process, resumes from the last checkpoint, stops on Ctrl-C', async () => {
    const out = join(root, 'run');
    const args = [
      'train',
      ...['--images', data.images, '--labels', data.labels, '--out', out],
      ...['--depth', '2', '--filters', '8', '--tile', '60', '--batch', '2', '--steps', '40'],
      ...['--checkpoint-steps', '4', '--validate-every', '1000', '--backend', 'wasm', '--seed', '5'],
    ];
    const first = cli(args);
    const pid = await waitFor(() => {
      const m = /training process: pid (\d+)/.exec(first.stdout());
      return m ? Number(m[1]) : undefined;
    }, 'the pid line');
    // Kill once the run has checkpointed at least twice (step 8), mid-run.
    await waitFor(
      () => (/checkpoint at step (8|1\d|2\d)\b/.test(first.stdout()) ? true : undefined),
      'a checkpoint',
    );
    process.kill(pid, 'SIGKILL');
    expect(await first.exit).toBe(1);
    expect(first.stderr()).toMatch(/error \(internal\): The training process was killed \(SIGKILL\)/);
    expect(first.stderr()).toMatch(/--resume/);

    const saved = await loadCheckpoint(out);
    expect(saved).not.toBeNull();
    const n = saved!.step;
    expect(n).toBeGreaterThanOrEqual(8);
    expect(n).toBeLessThan(40);
    const before = lossCurve(await readRunLog(join(out, 'run.jsonl')));
    expect(before.at(-1)!.step).toBeGreaterThanOrEqual(n);

    // Resume with a larger budget, then stop it with Ctrl-C (SIGINT) after its next checkpoint.
    const second = cli([...args.map((a) => (a === '40' ? '1000' : a)), '--resume']);
    await waitFor(
      () => (second.stdout().includes(`resuming from step ${n}`) ? true : undefined),
      'the resume line',
    );
    const nextCheckpoint = /checkpoint at step (\d+)/g;
    await waitFor(() => {
      const steps = [...second.stdout().matchAll(nextCheckpoint)].map((m) => Number(m[1]));
      return steps.some((s) => s >= n + 8) ? true : undefined;
    }, 'a checkpoint after the resume');
    second.process.kill('SIGINT');
    expect(await second.exit).toBe(0);
    const stopped = /stopped at step (\d+); checkpoint and model saved/.exec(second.stdout());
    expect(stopped).not.toBeNull();
    const m = Number(stopped![1]);
    expect(second.stdout()).toMatch(/resume with: unet-studio train .* --resume/);
    expect((await loadCheckpoint(out))!.step).toBe(m);

    const lines = await readRunLog(join(out, 'run.jsonl'));
    const resumeAt = lines.findIndex((l) => l.kind === 'resume');
    expect(lines[resumeAt]).toMatchObject({ kind: 'resume', step: n });
    const after = lines
      .slice(resumeAt)
      .flatMap((l) => ((l.kind === 'progress' && l.loss !== undefined) || l.kind === 'step' ? [l.step] : []));
    expect(after[0]).toBe(n + 1);
    expect(after.at(-1)).toBe(m);
    expect(lines.at(-1)).toMatchObject({ kind: 'cancelled', step: m });
    // The curve continues: steps 1..m, each once, the first n from the killed session.
    const curve = lossCurve(lines);
    expect(curve.map((p) => p.step)).toEqual(Array.from({ length: m }, (_, i) => i + 1));
    expect(curve.slice(0, n)).toEqual(before.slice(0, n));
  }, 180_000);
});
