import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, runCli } from '../../../test/support/cli';
import { Project, type RasterImage, writePng, writeTiff } from '../../engine/index';

let dir: string;
let runs: Record<'fresh' | 'bad', CliRun>;

const gray = (values: number[], bitDepth: 8 | 16 = 8): RasterImage => ({
  width: 4,
  height: 2,
  channels: 1,
  bitDepth,
  data: bitDepth === 8 ? Uint8Array.from(values) : Uint16Array.from(values),
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'unet-import-'));
  for (const sub of ['images', 'labels', 'bad']) await mkdir(join(dir, sub));
  await writePng(join(dir, 'images', 'a.png'), gray([10, 20, 30, 40, 50, 60, 70, 80]));
  await writeTiff(join(dir, 'images', 'b.tif'), gray([1, 2, 3, 4, 5, 6, 7, 8], 16));
  await writePng(join(dir, 'labels', 'a.png'), gray([0, 255, 255, 0, 0, 0, 0, 255])); // 0/255: 2 objects
  await writeTiff(join(dir, 'labels', 'b_masks.tif'), gray([0, 300, 300, 7, 0, 0, 7, 7], 16)); // instance ids
  await writePng(join(dir, 'bad', 'a.png'), { ...gray([0, 0, 0, 0, 0, 0, 0, 0]), width: 2, height: 4 });
  const [fresh, bad] = await Promise.all([
    runCli([
      'import',
      '--project',
      join(dir, 'p1'),
      '--images',
      join(dir, 'images'),
      '--labels',
      join(dir, 'labels'),
    ]),
    runCli([
      'import',
      '--project',
      join(dir, 'p2'),
      '--images',
      join(dir, 'images'),
      '--labels',
      join(dir, 'bad'),
    ]),
  ]);
  runs = { fresh, bad };
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('unet-studio import (subprocess)', () => {
  it('creates a project with the images and their masks as annotations', async () => {
    const run = runs.fresh;
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('2 masks imported as annotations (1 binary, 1 instances; 4 objects)');
    const manifest = JSON.parse(await readFile(join(dir, 'p1', 'project.json'), 'utf8')) as {
      images: { name: string; annotation: { labelledPixels: number; objects: number } }[];
    };
    expect(manifest.images.map((i) => [i.name, i.annotation])).toEqual([
      ['a.png', { labelledPixels: 8, objects: 2 }],
      ['b.tif', { labelledPixels: 8, objects: 2 }],
    ]);
    const project = await Project.open(join(dir, 'p1'));
    try {
      const b = await project.readAnnotation(project.snapshot().images[1].id);
      expect([...b.classes]).toEqual([1, 2, 2, 2, 1, 1, 2, 2]);
      expect([...b.instances]).toEqual([0, 1, 1, 2, 0, 0, 2, 2]);
    } finally {
      await project.close();
    }
  });

  it('a mask of another size stops the import, naming both files, and leaves no image behind', async () => {
    const run = runs.bad;
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('Mask a.png is 2x4 but image a.png is 4x2.');
    const manifest = JSON.parse(await readFile(join(dir, 'p2', 'project.json'), 'utf8')) as {
      images: unknown[];
    };
    expect(manifest.images).toEqual([]);
  });
});
