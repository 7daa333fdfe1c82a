import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Project, readImage } from '../../src/engine/index';
import { appErrorOf } from '../support/appError';
import { runCli } from '../support/cli';
import { BAD_IMAGES, buildCorpus, CORPUS_DIR, GOOD_SIZE } from './make-corpus';
import { expectCliError, inBatches } from './support/cli';
import { projectState } from './support/projectState';

const corpus = (file: string) => join(CORPUS_DIR, file);

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'unet-badimg-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('bad-input corpus: broken image files', () => {
  it('the committed corpus is what make-corpus.ts makes', async () => {
    for (const [name, content] of buildCorpus()) {
      const bytes = await readFile(corpus(name));
      const expected = typeof content === 'string' ? Buffer.from(content) : Buffer.from(content);
      expect([name, bytes.equals(expected)]).toEqual([name, true]);
    }
  });

  it('readImage gives the specific code, naming the file', async () => {
    for (const bad of BAD_IMAGES) {
      const error = await appErrorOf(readImage(corpus(bad.file)));
      expect([bad.file, error.code]).toEqual([bad.file, bad.code]);
      expect(error.message).toContain(corpus(bad.file));
      expect(error.message).toMatch(bad.says);
    }
  });

  it('importing a bad file into a project fails clearly and loses nothing', async () => {
    const dir = join(root, 'project');
    const project = await Project.create(dir, 'bad input');
    const [good] = await project.importFiles([corpus('good.png')]);
    const { width, height } = GOOD_SIZE;
    const classes = Uint8Array.from({ length: 6 }, (_, i) => 1 + (i % 2));
    const instances = Uint16Array.from([0, 3, 0, 3, 0, 3]);
    await project.saveAnnotationPatch(good.id, { x: 5, y: 7, w: 3, h: 2, classes, instances });
    const before = await projectState(dir);

    for (const bad of BAD_IMAGES) {
      const started = performance.now();
      const error = await appErrorOf(project.importFiles([corpus(bad.file)]));
      expect([bad.file, error.code]).toEqual([bad.file, bad.code]);
      expect(error.message).toContain(bad.file);
      // Refused from the header: a 100000 x 100000 image must not be allocated first.
      expect(performance.now() - started).toBeLessThan(2000);
    }
    const upload = await appErrorOf(
      project.importBytes('dropped.tif', await readFile(corpus('float64.tif'))),
    );
    expect([upload.code, upload.message.includes('dropped.tif')]).toEqual(['unsupported_format', true]);
    expect(project.snapshot().images.map((i) => i.id)).toEqual([good.id]);
    expect(await projectState(dir)).toEqual(before);
    await project.close();

    // Reopened: the one good image and its annotation, exactly as saved.
    const reopened = await Project.open(dir);
    try {
      expect(reopened.snapshot().images).toHaveLength(1);
      const pixels = await reopened.readPixels(good.id);
      const original = decode(await readFile(corpus('good.png')));
      expect(Array.from(pixels.data)).toEqual(Array.from(original.data));
      const annotation = await reopened.readAnnotation(good.id);
      const expectedClasses = new Uint8Array(width * height);
      const expectedInstances = new Uint16Array(width * height);
      for (let i = 0; i < 6; i++) {
        const at = (7 + Math.floor(i / 3)) * width + 5 + (i % 3);
        expectedClasses[at] = classes[i];
        expectedInstances[at] = instances[i];
      }
      expect(Array.from(annotation.classes)).toEqual(Array.from(expectedClasses));
      expect(Array.from(annotation.instances)).toEqual(Array.from(expectedInstances));
    } finally {
      await reopened.close();
    }
  });

  it('the CLI exits non-zero with one `error (code)` line naming the file', async () => {
    // One file per kind of failure (each CLI start costs about a second here).
    const picked = ['truncated.tif', 'huge.png', 'complex.tif'];
    const bad = BAD_IMAGES.filter((b) => picked.includes(b.file));
    const out = join(root, 'weights');
    const runs = await inBatches(
      bad.map((b) => () => runCli(['weightmap', corpus(b.file), '--out-dir', out])),
    );
    runs.forEach((run, i) => {
      const line = expectCliError(run, bad[i].code, [corpus(bad[i].file)]);
      expect(line).toMatch(bad[i].says);
    });
  });
});
