import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli';
import { CORPUS_DIR } from './make-corpus';
import { expectCliError, inBatches } from './support/cli';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'unet-badargs-'));
  // One good image/label pair, so that only the argument is wrong.
  await mkdir(join(root, 'images'));
  await mkdir(join(root, 'labels'));
  await copyFile(join(CORPUS_DIR, 'good.png'), join(root, 'images', 'a.png'));
  await copyFile(join(CORPUS_DIR, 'good-mask.png'), join(root, 'labels', 'a.png'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const good = join(CORPUS_DIR, 'good.png');
const missing = '/nonexistent/unet-studio-h7';

const trainData = () => ['--images', join(root, 'images'), '--labels', join(root, 'labels')];

interface Case {
  what: string;
  args: () => string[];
  /** AppError code, or null for an error the argument parser reports (`error: ...`). */
  code: string | null;
  names: string[];
}

const cases: Case[] = [
  {
    what: 'unknown flag',
    args: () => ['predict', '--model', root, '--images', good, '--out', join(root, 'o1'), '--frobnicate'],
    code: null,
    names: ['--frobnicate'],
  },
  {
    what: 'a number that is not one (--w0 abc)',
    args: () => ['weightmap', good, '--out-dir', join(root, 'o2'), '--w0', 'abc'],
    code: null,
    names: ['--w0', 'abc'],
  },
  {
    what: 'a negative tile (--tile -3)',
    args: () => ['predict', '--model', root, '--images', good, '--out', join(root, 'o3'), '--tile', '-3'],
    code: null,
    names: ['--tile'],
  },
  {
    what: 'a negative step count (--steps -3)',
    args: () => ['train', ...trainData(), '--out', join(root, 'o8'), '--steps', '-3'],
    code: 'invalid_argument',
    names: ['steps'],
  },
  {
    what: 'a missing training images folder',
    args: () => [
      'train',
      '--images',
      missing,
      '--labels',
      join(root, 'labels'),
      '--out',
      join(root, 'o9'),
      '--steps',
      '2',
    ],
    code: 'not_found',
    names: [missing],
  },
  {
    what: 'a port out of range',
    args: () => ['serve', '--port', '99999', '--root', root],
    code: 'invalid_argument',
    names: ['--port', '99999'],
  },
  {
    what: 'a missing required option',
    args: () => ['predict', '--images', good, '--out', join(root, 'o4')],
    code: null,
    names: ['--model'],
  },
  {
    what: 'a missing model folder',
    args: () => ['predict', '--model', missing, '--images', good, '--out', join(root, 'o5')],
    code: 'not_found',
    names: [missing],
  },
  {
    what: 'missing evaluate folders',
    args: () => ['evaluate', '--pred', missing, '--truth', CORPUS_DIR],
    code: 'not_found',
    names: [missing],
  },
  {
    what: 'an unknown command',
    args: () => ['segment-everything'],
    code: null,
    names: ['segment-everything'],
  },
];

describe('bad-input corpus: invalid CLI arguments', () => {
  it('each exits non-zero with one error line naming the argument, writing nothing', async () => {
    const runs = await inBatches(cases.map((c) => () => runCli(c.args())));
    runs.forEach((run, i) => {
      const { what, code, names } = cases[i];
      expect(run.stdout.trim(), what).toBe('');
      expectCliError(run, code, names);
    });
    // No output folder was created by any refused command.
    expect((await readdir(root)).filter((name) => name.startsWith('o'))).toEqual([]);
  });
});
