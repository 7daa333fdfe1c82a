import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeTiffSync } from '../image/index';
import { Project } from './project';

// The fixtures follow value(t, z, c, y, x) = x + 3y + 100c + 1000z + 5000t (make_tiff_fixtures.py).
const fixtures = join(__dirname, '../../../test/fixtures/tiff');
const value = (t: number, z: number, c: number, y: number, x: number) =>
  x + 3 * y + 100 * c + 1000 * z + 5000 * t;

let root: string;
let project: Project;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'unet-micro-'));
  project = await Project.create(join(root, 'p'), 'micro');
});
afterEach(async () => {
  await project.close();
  await rm(root, { recursive: true, force: true });
});

async function importFixture(name: string) {
  return project.importBytes(name, new Uint8Array(await readFile(join(fixtures, name))));
}

describe('importing microscopy TIFFs', () => {
  it('an OME-TIFF becomes one image per z plane with its 3 channels, names, colours and pixel size', async () => {
    const entries = await importFixture('ome-czyx-pyramid.ome.tif');
    expect(entries.map((e) => [e.name, e.channels, e.plane, e.page, e.pages])).toEqual([
      ['ome-czyx-pyramid.ome.tif [z 1/2]', 3, { z: 0, t: 0 }, 0, 2],
      ['ome-czyx-pyramid.ome.tif [z 2/2]', 3, { z: 1, t: 0 }, 1, 2],
    ]);
    expect(entries[0].channelNames).toEqual(['DAPI', 'GFP', 'mCherry']);
    expect(entries[0].channelColors).toEqual(['#ff0000', '#00ff00', '#ff00ff']);
    expect(entries[0].pixelSize?.x).toBeCloseTo(0.325, 9);
    expect(entries[0].pixelSize?.z).toBeCloseTo(1.5, 9);
    // Channel c of plane z spans value(0, z, c, 0, 0) .. value(0, z, c, 47, 63).
    expect(entries[1].channelStats?.map((s) => [s.min, s.max])).toEqual(
      [0, 1, 2].map((c) => [value(0, 1, c, 0, 0), value(0, 1, c, 47, 63)]),
    );
    const pixels = await project.readPixels(entries[1].id);
    expect([pixels.width, pixels.height, pixels.channels, pixels.bitDepth]).toEqual([64, 48, 3, 16]);
    const at = (x: number, y: number, c: number) => pixels.data[(y * 64 + x) * 3 + c];
    expect([at(5, 7, 0), at(5, 7, 1), at(63, 47, 2)]).toEqual([
      value(0, 1, 0, 7, 5),
      value(0, 1, 1, 7, 5),
      value(0, 1, 2, 47, 63),
    ]);
  });

  it('an ImageJ hyperstack keeps its Z/C/T order and micron pixel size', async () => {
    const entries = await importFixture('imagej-hyperstack.tif');
    expect(entries.map((e) => [e.plane, e.channels])).toEqual([
      [{ z: 0, t: 0 }, 3],
      [{ z: 1, t: 0 }, 3],
      [{ z: 0, t: 1 }, 3],
      [{ z: 1, t: 1 }, 3],
    ]);
    expect(entries[0].pixelSize).toEqual({ x: 0.5, y: 0.25, z: 2 });
    const pixels = await project.readPixels(entries[3].id);
    expect(pixels.data[(10 * 64 + 20) * 3 + 2]).toBe(value(1, 1, 2, 10, 20));
  });

  it('a BigTIFF imports, and a plain TIFF with resolution tags keeps its pixel size', async () => {
    const [big] = await importFixture('bigtiff-planar-float.tif');
    expect([big.width, big.height, big.bitDepth]).toEqual([64, 48, 32]);
    const tiff = encodeTiffSync(
      { width: 4, height: 2, channels: 1, bitDepth: 16, data: new Uint16Array(8).fill(9) },
      'px.tif',
      { pixelSize: { x: 0.1, y: 0.1 } },
    );
    const [plain] = await project.importBytes('px.tif', tiff);
    expect(plain.plane).toBeUndefined();
    expect(plain.pixelSize?.x).toBeCloseTo(0.1, 9);
  });

  it('saves per-image display settings in the manifest, refusing a wrong channel count', async () => {
    const [entry] = await importFixture('ome-czyx-pyramid.ome.tif');
    const channels = [0, 1, 2].map((c) => ({ color: '#00ff00', min: c, max: 100 + c, visible: c !== 1 }));
    await project.updateDisplay(entry.id, { lut: 'gray', min: 0, max: 1, channels });
    const reopened = JSON.parse(await readFile(join(root, 'p', 'project.json'), 'utf8'));
    expect(reopened.images[0].display.channels[1]).toEqual({
      color: '#00ff00',
      min: 1,
      max: 101,
      visible: false,
    });
    await expect(
      project.updateDisplay(entry.id, { lut: 'gray', min: 0, max: 1, channels: channels.slice(1) }),
    ).rejects.toThrow(/has 3 channels; display settings for 2 given/);
  });
});
