import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, Help } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands/index';
import { readNpy, writePng } from '../../src/engine/index';
import { REPO_ROOT, runCli } from '../support/cli';

/** Runs the CLI with the model runtimes made unloadable: any attempt to load one fails. */
const withoutRuntimes = (args: string[]) =>
  runCli(args, {
    nodeArgs: ['--import', join(REPO_ROOT, 'test', 'support', 'blockModules.mjs')],
    env: { UNET_BLOCK_MODULES: '^(@tensorflow/|onnxruntime)' },
  });

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'unet-cli-lazy-'));
  // A 20x6 row of background (2 columns), two touching 8x6 cells (16-bit ids), background (2
  // columns) as instance labels; and a mask pair to evaluate.
  const ids = Uint16Array.from(
    { length: 20 * 6 },
    (_, i) => [0, 0, 1, 1, 1, 1, 1, 1, 1, 1][i % 20] ?? (i % 20 < 18 ? 2 : 0),
  );
  await mkdir(join(dir, 'labels'));
  await writePng(join(dir, 'labels', 'a.png'), {
    width: 20,
    height: 6,
    channels: 1,
    bitDepth: 16,
    data: ids,
  });
  const mask = Uint8Array.from(ids, (id) => (id === 1 ? 255 : 0));
  for (const folder of ['pred', 'truth']) {
    await mkdir(join(dir, folder));
    await writePng(join(dir, folder, 'a.png'), {
      width: 20,
      height: 6,
      channels: 1,
      bitDepth: 8,
      data: mask,
    });
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the command table', () => {
  it.each(COMMANDS.map((c) => [c.name, c]))('lists %s as its own module defines it', async (_name, entry) => {
    const program = new Command();
    (await entry.load())(program);
    const [command] = program.commands;
    expect(program.commands).toHaveLength(1);
    expect(command.name()).toBe(entry.name);
    expect(command.description()).toBe(entry.summary);
    expect(new Help().subcommandTerm(command)).toBe(entry.term);
  });
});

describe('each command loads only what it uses', () => {
  it('the blocking hook works: predict cannot start without TensorFlow.js', async () => {
    const run = await withoutRuntimes(['predict', '--help']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/blocked: @tensorflow\//);
  });

  it('--version and --help load no model runtime', async () => {
    const version = await withoutRuntimes(['--version']);
    expect([version.code, version.stdout.trim(), version.stderr]).toEqual([0, '0.1.0', '']);
    const help = await withoutRuntimes(['--help']);
    expect(help.code).toBe(0);
    for (const c of COMMANDS) expect(help.stdout).toContain(c.term);
  });

  it('weightmap computes and writes its maps without TensorFlow.js or ONNX Runtime', async () => {
    const out = join(dir, 'weights');
    const run = await withoutRuntimes(['weightmap', join(dir, 'labels'), '--out-dir', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(await readdir(out)).toEqual(['a.npy']);
    const weights = await readNpy(join(out, 'a.npy'));
    expect(weights.shape).toEqual([6, 20]);
    // The separation border makes columns 9 and 10 background: between the two cells they carry
    // the border term (d1 + d2 = 1 + 2 px: 10 exp(-9/50) = 8.35) that column 0 lacks.
    expect(weights.data[9] - weights.data[0]).toBeGreaterThan(7);
  });

  it('evaluate scores masks without TensorFlow.js or ONNX Runtime', async () => {
    const run = await withoutRuntimes([
      'evaluate',
      '--pred',
      join(dir, 'pred'),
      '--truth',
      join(dir, 'truth'),
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { mean: { foregroundIoU: number } };
    expect(result.mean.foregroundIoU).toBe(1);
  });
});
