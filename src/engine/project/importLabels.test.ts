import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { encodePng, encodeTiffSync } from '../image/index';
import { importLabels, matchLabelFiles } from './importLabels';
import { Project } from './project';

let root: string;
let project: Project;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'unet-labels-'));
  project = await Project.create(join(root, 'p'), 'labels');
});
afterEach(async () => {
  await project.close();
  await rm(root, { recursive: true, force: true });
});

/** An 8-bit gray PNG of `width` x `height` whose value at pixel i is `value(i)`. */
function png8(width: number, height: number, value: (i: number) => number): Uint8Array {
  return encodePng({
    width,
    height,
    channels: 1,
    bitDepth: 8,
    data: Uint8Array.from({ length: width * height }, (_, i) => value(i)),
  });
}

async function addImage(name: string, width = 4, height = 3) {
  const [entry] = await project.importBytes(
    name,
    png8(width, height, (i) => i * 10),
  );
  return entry;
}

async function errorOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    if (error instanceof AppError) return `${error.code}: ${error.message}`;
    throw error;
  }
  return 'no error';
}

describe('matchLabelFiles', () => {
  it('pairs by base name, then without a mask suffix, and leaves strangers out', async () => {
    const a = await addImage('a.tif');
    const b = await addImage('b.png');
    const { pairs, unmatched } = matchLabelFiles(
      ['a.png', 'B_cp_masks.png', 'c.png'],
      project.snapshot().images,
    );
    expect(pairs.map((p) => [p.maskName, p.image.id])).toEqual([
      ['a.png', a.id],
      ['B_cp_masks.png', b.id],
    ]);
    expect(unmatched).toEqual(['c.png']);
  });

  it('refuses two masks for one image, naming both', async () => {
    await addImage('a.tif');
    expect(() => matchLabelFiles(['a.png', 'a_mask.png'], project.snapshot().images)).toThrow(
      /Masks a.png and a_mask.png both match image a.tif/,
    );
  });
});

describe('importLabels', () => {
  it('makes a 0/255 mask the annotation: 0 -> background, objects -> class 2 with 4-connected ids', async () => {
    const image = await addImage('cells.png');
    // Two objects: pixel 0 and pixels 10, 11 (row 2, columns 2 and 3); a diagonal neighbour stays apart.
    const mask = png8(4, 3, (i) => ([0, 10, 11].includes(i) ? 255 : 0));
    const report = await importLabels(project, [{ name: 'cells.png', bytes: mask }]);
    expect(report.imported).toEqual([
      {
        imageId: image.id,
        imageName: 'cells.png',
        maskName: 'cells.png',
        kind: 'binary',
        objects: 2,
        replaced: false,
      },
    ]);
    const saved = await project.readAnnotation(image.id);
    expect([...saved.classes]).toEqual([2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2]);
    expect([...saved.instances]).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2]);
    expect(project.image(image.id).annotation).toEqual({ labelledPixels: 12, objects: 2 });
  });

  it('reads a 16-bit TIFF of instance ids as objects, keeping touching objects apart', async () => {
    const image = await addImage('nuclei.tif');
    const ids = Uint16Array.from({ length: 12 }, (_, i) => (i < 2 ? 700 : i < 4 ? 9 : i === 5 ? 9 : 0));
    const tiff = encodeTiffSync({ width: 4, height: 3, channels: 1, bitDepth: 16, data: ids }, 'ids.tif');
    const report = await importLabels(project, [{ name: 'nuclei_masks.tif', bytes: tiff }]);
    expect(report.imported[0]).toMatchObject({ kind: 'instances', objects: 2 });
    const saved = await project.readAnnotation(image.id);
    expect([...saved.instances]).toEqual([1, 1, 2, 2, 0, 2, 0, 0, 0, 0, 0, 0]);
    expect([...saved.classes]).toEqual([2, 2, 2, 2, 1, 2, 1, 1, 1, 1, 1, 1]);
  });

  it('reads an 8-bit image as class indices when the project has those classes, else as instances', async () => {
    await project.updateClasses([
      ...project.snapshot().classes,
      { id: 3, name: 'membrane', color: '#22c55e' },
    ]);
    const image = await addImage('tissue.png');
    await importLabels(project, [{ name: 'tissue.png', bytes: png8(4, 3, (i) => i % 3) }]);
    expect([...(await project.readAnnotation(image.id)).classes]).toEqual([
      1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3,
    ]);
    // Values 0..11 cannot be classes of a 3-class project: they are object ids.
    const report = await importLabels(project, [{ name: 'tissue.png', bytes: png8(4, 3, (i) => i) }]);
    expect(report.imported[0]).toMatchObject({ kind: 'instances', objects: 11, replaced: true });
  });

  it('names both files on a size mismatch and writes nothing of the batch', async () => {
    const good = await addImage('good.png');
    await addImage('bad.png');
    const message = await errorOf(() =>
      importLabels(project, [
        { name: 'good.png', bytes: png8(4, 3, () => 255) },
        { name: 'bad.png', bytes: png8(5, 3, () => 255) },
      ]),
    );
    expect(message).toBe('size_mismatch: Mask bad.png is 5x3 but image bad.png is 4x3.');
    expect(project.image(good.id).annotation.labelledPixels).toBe(0);
    expect((await project.readAnnotation(good.id)).classes.every((v) => v === 0)).toBe(true);
  });

  it('refuses a value without a class in class mode, naming mask and image', async () => {
    await addImage('x.png');
    const message = await errorOf(() =>
      importLabels(project, [{ name: 'x_labels.png', bytes: png8(4, 3, (i) => i % 4) }], {
        reading: 'classes',
      }),
    );
    expect(message).toMatch(
      /^invalid_argument: Mask x_labels.png has value 2 at \(2, 0\), but the project has no class 3 .*image x.png/,
    );
  });

  it('refuses a two-valued mask without 0 and a batch where nothing matches', async () => {
    const image = await addImage('y.png');
    expect(
      await errorOf(() => importLabels(project, [{ name: 'y.png', bytes: png8(4, 3, (i) => (i ? 7 : 9)) }])),
    ).toMatch(/^invalid_argument: Mask y.png \(for image y.png\): A mask with values 9 and 7 has no 0/);
    expect(
      await errorOf(() => importLabels(project, [{ name: 'z.png', bytes: png8(4, 3, () => 0) }])),
    ).toMatch(/^invalid_argument: No image of the project has the base name of z.png/);
    // Per image: any name goes to the image it is given for.
    const report = await importLabels(project, [{ name: 'whatever.png', bytes: png8(4, 3, () => 1) }], {
      imageId: image.id,
    });
    expect(report.imported[0]).toMatchObject({ imageId: image.id, kind: 'binary', objects: 1 });
  });
});
