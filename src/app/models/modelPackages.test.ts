import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { zipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openProjectService, type ProjectService } from '../../../test/support/projectService';
import { AppError } from '../../shared/errors';
import type { StudioService } from '../studioService';

const fixture = join(__dirname, '../../../test/fixtures/bioimageio/tiny-unet2d');
let h: StudioService['handlers'];
let root: string;
let ctx: ProjectService;
let jobEnd: ProjectService['jobEnd'];
beforeEach(async () => {
  ctx = await openProjectService('unet-packages-');
  ({ root, jobEnd } = ctx);
  h = ctx.service.handlers;
});
afterEach(() => ctx.dispose());

async function fixtureZip(): Promise<Uint8Array> {
  const names = await readdir(fixture);
  const files = await Promise.all(
    names.map(async (n) => [n, new Uint8Array(await readFile(join(fixture, n)))] as const),
  );
  return zipSync(Object.fromEntries(files));
}

describe('model packages in a project', () => {
  it('adds a third-party package as a model the catalogue lists, and hands its zip out unchanged', async () => {
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
    const info = await h.importModelPackage('tiny-unet2d.zip', await fixtureZip());
    const pixels = Uint8Array.from({ length: 40 * 40 }, (_, i) => ((i % 40) * 6) % 256);
    const [image] = (
      await h.uploadImage('x.png', encode({ width: 40, height: 40, data: pixels, depth: 8, channels: 1 }))
    ).added;
    const { jobId } = await h.predictImages(info.modelId, { imageIds: [image.id] });
    expect(await jobEnd(jobId)).toMatchObject({ kind: 'done' });
    const prediction = await h.getPrediction(info.modelId, image.id);
    expect(prediction).toMatchObject({ modelId: info.modelId, width: 40, height: 40, classCount: 2 });
    expect(prediction.foreground.every((p) => p >= 0 && p <= 1)).toBe(true);
  });

  it('refuses a file that is not a package, naming it, and leaves nothing behind', async () => {
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
