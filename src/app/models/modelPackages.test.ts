import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { zipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiEventMessage } from '../../shared/api';
import { AppError } from '../../shared/errors';
import type { JobUpdate } from '../../shared/jobs';
import { createStudioService, type StudioService } from '../studioService';

const fixture = join(__dirname, '../../../test/fixtures/bioimageio/tiny-unet2d');
let root: string;
let service: StudioService;
const events: JobUpdate[] = [];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'unet-packages-'));
  service = createStudioService({
    shell: 'browser',
    version: 'test',
    workspaceRoot: root,
    env: { UNET_STUDIO_CONFIG_DIR: join(root, '.config') },
    work: 'in-process',
  });
  events.length = 0;
  service.subscribe((m: ApiEventMessage) => {
    if (m.event === 'jobEvent') events.push(m.payload);
  });
  await service.handlers.createProject(join(root, 'p'), 'p');
});
afterEach(async () => {
  await service.dispose();
  await rm(root, { recursive: true, force: true });
});

async function fixtureZip(): Promise<Uint8Array> {
  const names = await readdir(fixture);
  const files = await Promise.all(
    names.map(async (n) => [n, new Uint8Array(await readFile(join(fixture, n)))] as const),
  );
  return zipSync(Object.fromEntries(files));
}

describe('model packages in a project', () => {
  it('adds a third-party package as a model the catalogue lists, and hands its zip out unchanged', async () => {
    const h = service.handlers;
    const zip = await fixtureZip();
    const info = await h.importModelPackage('tiny-unet2d.zip', zip);
    expect(info).toMatchObject({ kind: 'package', classes: 2, steps: null });
    expect(info.modelId).toMatch(/^pkg_[0-9a-z]+\.package$/);
    expect(info.label).toContain('package tiny-unet2d.zip, 1 channel');
    expect((await h.listModels()).map((m) => m.modelId)).toEqual([info.modelId]);
    const out = await h.exportModelPackage(info.modelId, {
      name: 'Tiny again',
      authors: [{ name: 'A' }],
      license: 'MIT',
    });
    expect(out.fileName).toBe('Tiny_again.zip');
    expect(out.bytes).toEqual(zip);
    expect(new Uint8Array(await readFile(join(root, 'p', 'exports', 'Tiny_again.zip')))).toEqual(zip);
  });

  it('predicts project images with an added package, through the one prediction pipeline', async () => {
    const h = service.handlers;
    const info = await h.importModelPackage('tiny-unet2d.zip', await fixtureZip());
    const pixels = Uint8Array.from({ length: 40 * 40 }, (_, i) => ((i % 40) * 6) % 256);
    const [image] = (
      await h.uploadImage('x.png', encode({ width: 40, height: 40, data: pixels, depth: 8, channels: 1 }))
    ).added;
    const { jobId } = await h.predictImages(info.modelId, { imageIds: [image.id] });
    let end: JobUpdate | undefined;
    for (let i = 0; i < 800 && end === undefined; i++) {
      end = events.find((e) => e.jobId === jobId && (e.kind === 'done' || e.kind === 'failed'));
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(end).toMatchObject({ kind: 'done' });
    const prediction = await h.getPrediction(info.modelId, image.id);
    expect(prediction).toMatchObject({ modelId: info.modelId, width: 40, height: 40, classCount: 2 });
    expect(prediction.foreground.every((p) => p >= 0 && p <= 1)).toBe(true);
  });

  it('refuses a file that is not a package, naming it, and leaves nothing behind', async () => {
    const h = service.handlers;
    let error: unknown;
    try {
      await h.importModelPackage('notes.zip', new TextEncoder().encode('not a zip'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('corrupt_file');
    expect((error as AppError).message).toContain('notes.zip');
    expect((error as AppError).message).not.toContain(join(root, 'p'));
    expect(await readdir(join(root, 'p', 'models')).catch(() => [])).toEqual([]);
    expect(await h.listModels()).toEqual([]);
  });
});
