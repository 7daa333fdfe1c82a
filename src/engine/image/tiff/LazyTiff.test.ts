import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appErrorOf } from '../../../../test/support/appError';
import { encodeTiffSync } from '../writeTiff';
import { LazyTiff } from './LazyTiff';
import { TiledTiffWriter } from './TiledTiffWriter';

// Fixtures written by tifffile (test/fixtures/tiff/make_tiff_fixtures.py), 64 x 48 pixels.
const fixtures = join(__dirname, '../../../../test/fixtures/tiff');
const H = 48;
const W = 64;
const value = (t: number, z: number, c: number, y: number, x: number) =>
  x + 3 * y + 100 * c + 1000 * z + 5000 * t;

/** Expected HWC samples of a region, from the fixture formula. */
function expected(
  region: { x: number; y: number; width: number; height: number },
  channels: number[],
  at: (c: number, y: number, x: number) => number,
): number[] {
  const out: number[] = [];
  for (let y = region.y; y < region.y + region.height; y++)
    for (let x = region.x; x < region.x + region.width; x++) for (const c of channels) out.push(at(c, y, x));
  return out;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'unet-lazy-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('LazyTiff on files written by tifffile', () => {
  it('OME-TIFF: channel names and colours, pixel size in nm -> um, XYZCT order, SubIFD levels', async () => {
    const tiff = await LazyTiff.open(join(fixtures, 'ome-czyx-pyramid.ome.tif'));
    try {
      expect([tiff.width, tiff.height, tiff.channels, tiff.dtype]).toEqual([W, H, 3, 'uint16']);
      expect(tiff.metadata).toEqual({
        source: 'ome',
        dimensionOrder: 'XYZCT',
        sizeC: 3,
        sizeZ: 2,
        sizeT: 1,
        channels: [
          { name: 'DAPI', color: '#ff0000' },
          { name: 'GFP', color: '#00ff00' },
          { name: 'mCherry', color: '#ff00ff' },
        ],
        pixelSize: { x: 0.325, y: 0.325, z: 1.5 },
      });
      expect(tiff.levels).toEqual([
        { width: 64, height: 48, tileWidth: 16, tileHeight: 16, tiled: true },
        { width: 32, height: 24, tileWidth: 16, tileHeight: 16, tiled: true },
      ]);
      // Across tile borders, channels reordered, second z plane.
      const region = { x: 13, y: 9, width: 7, height: 10 };
      const read = await tiff.readRegion({ ...region, channels: [2, 0], z: 1 });
      expect(read.channels).toBe(2);
      expect(Array.from(read.data)).toEqual(expected(region, [2, 0], (c, y, x) => value(0, 1, c, y, x)));
      const small = { x: 3, y: 2, width: 20, height: 5 };
      const level1 = await tiff.readRegion({ ...small, level: 1 });
      expect(Array.from(level1.data)).toEqual(
        expected(small, [0, 1, 2], (c, y, x) => value(0, 0, c, 2 * y, 2 * x)),
      );
    } finally {
      await tiff.close();
    }
  });

  it('ImageJ hyperstack: channels, slices, frames in XYCZT order, micron pixel size and z spacing', async () => {
    const tiff = await LazyTiff.open(join(fixtures, 'imagej-hyperstack.tif'));
    try {
      expect(tiff.metadata).toMatchObject({
        source: 'imagej',
        dimensionOrder: 'XYCZT',
        sizeC: 3,
        sizeZ: 2,
        sizeT: 2,
      });
      expect(tiff.metadata.pixelSize).toEqual({ x: 0.5, y: 0.25, z: 2 });
      const whole = { x: 0, y: 0, width: W, height: H };
      const read = await tiff.readRegion({ ...whole, z: 1, t: 1 });
      expect(Array.from(read.data)).toEqual(expected(whole, [0, 1, 2], (c, y, x) => value(1, 1, c, y, x)));
    } finally {
      await tiff.close();
    }
  });

  it('BigTIFF with planar float32 strips; a plain pyramid of chained reduced pages', async () => {
    const float = await LazyTiff.open(join(fixtures, 'bigtiff-planar-float.tif'));
    const region = { x: 50, y: 3, width: 14, height: 9 };
    const read = await float.readRegion(region);
    await float.close();
    expect([read.bitDepth, read.channels]).toEqual([32, 2]);
    expect(Array.from(read.data)).toEqual(expected(region, [0, 1], (c, y, x) => value(0, 0, c, y, x) / 4));
    const chained = await LazyTiff.open(join(fixtures, 'chained-pyramid.tif'));
    const level1 = await chained.readRegion({ x: 0, y: 0, width: 32, height: 24, level: 1 });
    await chained.close();
    expect(chained.levels.map((l) => [l.width, l.height])).toEqual([
      [64, 48],
      [32, 24],
    ]);
    expect(Array.from(level1.data)).toEqual(
      expected({ x: 0, y: 0, width: 32, height: 24 }, [0], (_, y, x) => value(0, 0, 0, 2 * y, 2 * x) % 256),
    );
  });
});

describe('LazyTiff on our own writers, and from bytes', () => {
  it('reads a tiled BigTIFF pyramid back exactly, with a bounded tile cache', async () => {
    const [width, height, T] = [700, 500, 128];
    const path = join(dir, 'pyramid.tif');
    const writer = await TiledTiffWriter.create(path, {
      width,
      height,
      channels: 1,
      bitDepth: 16,
      tileSize: T,
      levels: 3,
      pixelSize: { x: 0.5, y: 0.5 },
    });
    for (let ty = 0; ty < writer.tilesY; ty++)
      for (let tx = 0; tx < writer.tilesX; tx++) {
        const w = Math.min(T, width - tx * T);
        const h = Math.min(T, height - ty * T);
        await writer.writeTile(
          tx,
          ty,
          Uint16Array.from({ length: w * h }, (_, i) =>
            value(0, 0, 0, ty * T + Math.floor(i / w), tx * T + (i % w)),
          ),
        );
      }
    await writer.close();
    const tiff = await LazyTiff.open(path, { cacheBytes: 3 * T * T * 2 });
    try {
      expect(tiff.levels.map((l) => [l.width, l.height])).toEqual([
        [700, 500],
        [350, 250],
        [175, 125],
      ]);
      expect(tiff.metadata.pixelSize).toEqual({ x: 0.5, y: 0.5 });
      const region = { x: 100, y: 90, width: 300, height: 200 };
      const read = await tiff.readRegion(region);
      expect(Array.from(read.data)).toEqual(expected(region, [0], (_, y, x) => value(0, 0, 0, y, x)));
      expect(tiff.cachedBytes).toBeLessThanOrEqual(3 * T * T * 2);
      const level2 = await tiff.readRegion({ x: 170, y: 120, width: 5, height: 5, level: 2 });
      expect(Array.from(level2.data)).toEqual(
        expected({ x: 170, y: 120, width: 5, height: 5 }, [0], (_, y, x) => value(0, 0, 0, 4 * y, 4 * x)),
      );
    } finally {
      await tiff.close();
    }
  });

  it('opens bytes in memory (an ImageJ TIFF of ours, its hyperstack channels)', async () => {
    const data = Uint8Array.from({ length: 6 * 4 * 2 }, (_, i) => i);
    const bytes = encodeTiffSync({ width: 6, height: 4, channels: 2, bitDepth: 8, data }, 'two', {
      pixelSize: { x: 0.1, y: 0.1 },
    });
    const tiff = await LazyTiff.open(bytes, { name: 'two.tif' });
    const read = await tiff.readRegion({ x: 0, y: 0, width: 6, height: 4 });
    await tiff.close();
    expect(tiff.metadata).toMatchObject({ source: 'imagej', sizeC: 2, pixelSize: { x: 0.1, y: 0.1 } });
    expect(Array.from(read.data)).toEqual(Array.from(data));
  });
});

describe('LazyTiff refuses corrupt files with an AppError naming the file', () => {
  it('tiles past the end of the file', async () => {
    const path = join(fixtures, 'tiles-cut.tif');
    const error = await appErrorOf(LazyTiff.open(path));
    expect(error.code).toBe('corrupt_file');
    expect(error.message).toContain(path);
    expect(error.message).toMatch(/tile \d+ lies past the end of the file/);
  });

  it('pyramid levels that disagree', async () => {
    const path = join(fixtures, 'bad-pyramid.tif');
    const error = await appErrorOf(LazyTiff.open(path));
    expect(error.code).toBe('corrupt_file');
    expect(error.message).toContain(path);
    expect(error.message).toMatch(/pyramid levels disagree.*level 1 \(16x24\)/);
  });

  it('bad directory offsets, loops, non-TIFF content, regions outside the image', async () => {
    const good = await readFile(join(fixtures, 'chained-pyramid.tif'));
    const pastEnd = Uint8Array.from(good);
    new DataView(pastEnd.buffer).setUint32(4, good.length + 100, true);
    await expect(LazyTiff.open(pastEnd, { name: 'past.tif' })).rejects.toMatchObject({
      code: 'corrupt_file',
      message: expect.stringMatching(/^past\.tif: .*past the end/),
    });
    const loop = Uint8Array.from(good);
    const view = new DataView(loop.buffer);
    const first = view.getUint32(4, true);
    const entries = view.getUint16(first, true);
    view.setUint32(first + 2 + entries * 12, first, true);
    await expect(LazyTiff.open(loop, { name: 'loop.tif' })).rejects.toMatchObject({
      code: 'corrupt_file',
      message: expect.stringMatching(/loops/),
    });
    const text = join(dir, 'text.tif');
    await writeFile(text, 'not a tiff at all');
    await expect(LazyTiff.open(text)).rejects.toMatchObject({ code: 'corrupt_file' });
    await expect(LazyTiff.open(join(dir, 'missing.tif'))).rejects.toMatchObject({ code: 'not_found' });
    const tiff = await LazyTiff.open(good, { name: 'good.tif' });
    await expect(tiff.readRegion({ x: 60, y: 0, width: 10, height: 10 })).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    await expect(tiff.readRegion({ x: 0, y: 0, width: 1, height: 1, channels: [1] })).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    await tiff.close();
  });
});
