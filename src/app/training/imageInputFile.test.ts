import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeTiffSync, Project, readImage, readInputImage } from '../../engine/index';
import { imageInputFile } from './imageInputFile';

// value(t, z, c, y, x) = x + 3y + 100c + 1000z + 5000t (test/fixtures/tiff/make_tiff_fixtures.py).
const fixture = join(__dirname, '../../../test/fixtures/tiff/imagej-hyperstack.tif');
let root: string;
let project: Project;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'unet-inputs-'));
  project = await Project.create(join(root, 'p'), 'p');
});
afterEach(async () => {
  await project.close();
  await rm(root, { recursive: true, force: true });
});

describe('imageInputFile', () => {
  it('writes a hyperstack plane with all its channels for training and previews, once', async () => {
    const entries = await project.importBytes('hs.tif', new Uint8Array(await readFile(fixture)));
    const plane = entries[3]; // z 1, t 1
    const path = await imageInputFile(project, join(root, 'run'), plane);
    expect(path).toBe(join(root, 'run', 'inputs', `${plane.id}.png`));
    const img = await readImage(path);
    expect([img.width, img.height, img.channels, img.bitDepth]).toEqual([64, 48, 3, 16]);
    expect([0, 1, 2].map((c) => img.data[(10 * 64 + 20) * 3 + c])).toEqual(
      [0, 1, 2].map((c) => 20 + 30 + 100 * c + 1000 + 5000),
    );
    expect(await imageInputFile(project, join(root, 'run'), plane)).toBe(path);
  });

  it('writes the channels chosen for a run, in their order, and names an image that lacks one', async () => {
    const entries = await project.importBytes('hs.tif', new Uint8Array(await readFile(fixture)));
    const path = await imageInputFile(project, join(root, 'run'), entries[0], [2]);
    const img = await readImage(path);
    expect([img.channels, img.data[(10 * 64 + 20) * 1]]).toEqual([1, 20 + 30 + 200]);
    const gray = await project.importBytes(
      'g.tif',
      encodeTiffSync({ width: 2, height: 2, channels: 1, bitDepth: 8, data: new Uint8Array(4) }, 'g.tif'),
    );
    await expect(imageInputFile(project, join(root, 'run'), gray[0], [2])).rejects.toThrow(
      'g.tif has 1 channel, but channel 3 is needed (channels 3 were chosen for training).',
    );
  });

  it('reads a plain image in place and hands a plane of 2 channels over as .npy', async () => {
    const two = encodeTiffSync(
      { width: 4, height: 2, channels: 2, bitDepth: 8, data: Uint8Array.from({ length: 16 }, (_, i) => i) },
      'two.tif',
      { layout: 'hyperstack' },
    );
    const [entry] = await project.importBytes('two.tif', two);
    expect(entry.channels).toBe(2);
    const path = await imageInputFile(project, join(root, 'run'), entry);
    expect(path).toBe(join(root, 'run', 'inputs', `${entry.id}.npy`));
    const read = await readInputImage(path);
    expect(read).toMatchObject({ width: 4, height: 2, channels: 2, bitDepth: 8 });
    expect(Array.from(read.data)).toEqual(Array.from({ length: 16 }, (_, i) => i));
    const [plain] = await project.importBytes(
      'plain.tif',
      encodeTiffSync({ width: 2, height: 2, channels: 1, bitDepth: 8, data: new Uint8Array(4) }, 'plain.tif'),
    );
    expect(await imageInputFile(project, join(root, 'run'), plain)).toBe(
      join(root, 'p', 'images', 'plain.tif'),
    );
  });
});
