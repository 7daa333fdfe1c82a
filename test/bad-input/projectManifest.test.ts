import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeApi } from '../../src/app/index';
import { AppError, Project } from '../../src/engine/index';
import { runCli } from '../support/cli';
import { createTestService } from '../support/testService';
import { BAD_MANIFESTS } from './make-corpus';
import { expectCliError } from './support/cli';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'unet-badmanifest-'));
  for (const [folder, text] of Object.entries(BAD_MANIFESTS)) {
    await mkdir(join(root, 'projects', folder), { recursive: true });
    await writeFile(join(root, 'projects', folder, 'project.json'), text);
  }
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const cases = [
  { folder: 'malformed', says: /not valid JSON/ },
  { folder: 'wrong-fields', says: /malformed: images/ },
  { folder: 'future', says: /schema version 99.*reads up to version 1.*not changed/ },
];

async function openFailure(dir: string): Promise<AppError> {
  const error = await Project.open(dir).then(
    async (p) => {
      await p.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('bad-input corpus: project manifests', () => {
  it.each(cases)(
    '$folder project.json is refused with a schema error and left untouched',
    async ({ folder, says }) => {
      const dir = join(root, 'projects', folder);
      const file = join(dir, 'project.json');
      const original = Buffer.from(BAD_MANIFESTS[folder]);
      const error = await openFailure(dir);
      expect(error.code).toBe('schema');
      expect(error.message).toContain(file);
      expect(error.message).toMatch(says);
      // Nothing written: same bytes, no lock, no project folders created, no temp files.
      expect((await readFile(file)).equals(original)).toBe(true);
      expect(await readdir(dir)).toEqual(['project.json']);
    },
  );

  it('the API answers { ok: false, schema } and the next open of a good project still works', async () => {
    const service = createTestService(root);
    try {
      const future = await invokeApi(service.handlers, 'openProject', [join(root, 'projects', 'future')]);
      expect(future).toMatchObject({ ok: false, error: { code: 'schema' } });
      const created = await invokeApi(service.handlers, 'createProject', [join(root, 'fresh'), 'fresh']);
      expect(created.ok).toBe(true);
    } finally {
      await service.dispose();
    }
  });

  it('`serve --project` on a future-version project exits non-zero naming the file', async () => {
    const dir = join(root, 'projects', 'future');
    const run = await runCli(['serve', '--project', dir, '--port', '0']);
    expectCliError(run, 'schema', [join(dir, 'project.json')]);
    expect(run.stdout).not.toContain('token=');
    expect(await readdir(dir)).toEqual(['project.json']);
  });
});
