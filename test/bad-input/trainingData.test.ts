import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AppError,
  Project,
  type TrainConfigInput,
  type TrainImage,
  train,
} from '../../src/engine/index';
import { appErrorOf } from '../support/appError';
import { runCli } from '../support/cli';
import { CORPUS_DIR } from './make-corpus';
import { expectCliError } from './support/cli';
import { projectState } from './support/projectState';

const corpus = (file: string) => join(CORPUS_DIR, file);

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'unet-baddata-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Trains one step on `images` into a fresh folder; resolves with the AppError it must give. */
async function trainingFailure(
  name: string,
  images: TrainImage[],
): Promise<{ error: AppError; outDir: string }> {
  const outDir = join(root, name);
  const config: TrainConfigInput = {
    images,
    outDir,
    architecture: { depth: 2, baseFilters: 2 },
    tileSize: 60,
    batch: 1,
    steps: 1,
    valFraction: 0,
    backend: 'cpu',
  };
  const error = await appErrorOf(
    train(config, { signal: new AbortController().signal, onEvent: () => undefined }),
    name,
  );
  return { error, outDir };
}

/** Files a refused run left in its folder (none may be a model or a checkpoint). */
async function written(outDir: string): Promise<string[]> {
  const names = await readdir(outDir).catch(() => [] as string[]);
  return names.filter((n) => /model\.json|weights\.bin|checkpoint/.test(n));
}

describe('bad-input corpus: training data and labels', () => {
  it('a label image of another size than its image: size_mismatch naming both', async () => {
    const image = corpus('good.png');
    const label = corpus('transposed-mask.png');
    const { error, outDir } = await trainingFailure('mismatch', [
      { image, annotation: { kind: 'mask', path: label } },
    ]);
    expect(error.code).toBe('size_mismatch');
    expect(error.message).toContain(label);
    expect(error.message).toContain(image);
    expect(error.message).toMatch(/24x32.*32x24/);
    expect(await written(outDir)).toEqual([]);
  });

  it('a class map with a class the model does not have: invalid_argument naming the file', async () => {
    const classesPath = corpus('unknown-classes.png');
    const { error, outDir } = await trainingFailure('unknown-class', [
      { image: corpus('good.png'), annotation: { kind: 'annotation', classesPath } },
    ]);
    expect(error.code).toBe('invalid_argument');
    expect(error.message).toContain(classesPath);
    expect(error.message).toMatch(/class 7 at \(3, 0\)/);
    expect(await written(outDir)).toEqual([]);
  });

  it('a broken label file: its own error, naming it', async () => {
    const path = corpus('truncated.png');
    const { error } = await trainingFailure('broken-label', [
      { image: corpus('good.png'), annotation: { kind: 'mask', path } },
    ]);
    expect([error.code, error.message.includes(path)]).toEqual(['corrupt_file', true]);
  });

  it('an annotation patch with an unknown class is refused and nothing is saved', async () => {
    const dir = join(root, 'project');
    const project = await Project.create(dir, 'classes');
    try {
      const [entry] = await project.importFiles([corpus('good.png')]);
      const before = await projectState(dir);
      const patch = { x: 0, y: 0, w: 2, h: 1, classes: Uint8Array.of(2, 7), instances: new Uint16Array(2) };
      const error = await project.saveAnnotationPatch(entry.id, patch).then(
        () => undefined,
        (e: unknown) => e as AppError,
      );
      expect(error).toMatchObject({ code: 'invalid_argument' });
      expect(error?.message).toMatch(/class 7/);
      expect(await projectState(dir)).toEqual(before);
      expect(Array.from((await project.readAnnotation(entry.id)).classes.subarray(0, 2))).toEqual([0, 0]);
    } finally {
      await project.close();
    }
  });

  it('`evaluate` with masks of different sizes: size_mismatch naming both files', async () => {
    const pred = join(root, 'pred');
    const truth = join(root, 'truth');
    await mkdir(pred, { recursive: true });
    await mkdir(truth, { recursive: true });
    await copyFile(corpus('transposed-mask.png'), join(pred, 'a.png'));
    await copyFile(corpus('good-mask.png'), join(truth, 'a.png'));
    const run = await runCli(['evaluate', '--pred', pred, '--truth', truth]);
    expectCliError(run, 'size_mismatch', [join(pred, 'a.png'), join(truth, 'a.png')]);
  });
});
