import { mkdir, mkdtemp, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentBundle } from '../../bin/cliBundle.mjs';
import { REPO_ROOT, runCli } from '../support/cli';

let root: string;
const url = (path: string) => pathToFileURL(`${path}/`);
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'unet-cli-bundle-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A fake tree: src/a.ts and src/b.ts, and out/cli/manifest.json recording them as they are. */
async function tree(name: string): Promise<{ dir: string; out: string }> {
  const dir = join(root, name);
  const out = join(dir, 'out', 'cli');
  await mkdir(join(dir, 'src'), { recursive: true });
  await mkdir(out, { recursive: true });
  const sources: Record<string, { size: number; mtimeMs: number }> = {};
  for (const file of ['src/a.ts', 'src/b.ts']) {
    await writeFile(join(dir, file), `export const x = '${file}';\n`);
    const { size, mtimeMs } = await stat(join(dir, file));
    sources[file] = { size, mtimeMs };
  }
  await writeFile(join(out, 'manifest.json'), JSON.stringify({ entry: 'main.mjs', sources }));
  return { dir, out };
}

describe('currentBundle: the bundled CLI runs only while it matches its sources', () => {
  it('names the entry while every source is as built', async () => {
    const { dir, out } = await tree('current');
    expect(currentBundle(url(out), url(dir))?.href).toBe(pathToFileURL(join(out, 'main.mjs')).href);
  });

  it('refuses a bundle whose source was touched, changed size or vanished, or that has no manifest', async () => {
    const touched = await tree('touched');
    const later = new Date(Date.now() + 5000);
    await utimes(join(touched.dir, 'src', 'b.ts'), later, later);
    expect(currentBundle(url(touched.out), url(touched.dir))).toBeNull();

    const edited = await tree('edited');
    const { mtime } = await stat(join(edited.dir, 'src', 'a.ts'));
    await writeFile(join(edited.dir, 'src', 'a.ts'), 'export const x = 1; // longer now\n');
    await utimes(join(edited.dir, 'src', 'a.ts'), mtime, mtime); // same time, other size
    expect(currentBundle(url(edited.out), url(edited.dir))).toBeNull();

    const gone = await tree('gone');
    await rm(join(gone.dir, 'src', 'a.ts'));
    expect(currentBundle(url(gone.out), url(gone.dir))).toBeNull();

    const none = await tree('none');
    await rm(join(none.out, 'manifest.json'));
    expect(currentBundle(url(none.out), url(none.dir))).toBeNull();
  });

  it('after `npm run build`, the CLI starts from the bundle without tsx', async () => {
    const bundle = currentBundle(url(join(REPO_ROOT, 'out', 'cli')), url(REPO_ROOT));
    expect(bundle, 'out/cli is missing or older than src/: run npm run build:cli').not.toBeNull();
    const run = await runCli(['--version'], {
      nodeArgs: ['--import', join(REPO_ROOT, 'test', 'support', 'blockModules.mjs')],
      env: { UNET_BLOCK_MODULES: '^tsx' },
    });
    expect([run.code, run.stdout.trim(), run.stderr]).toEqual([0, '0.1.0', '']);
  });
});
