import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TILE_SIZE } from '../../../shared/imageData';
import type { MultiChannelImage } from '../rasterImage';
import { LazyTiff } from '../tiff/LazyTiff';
import { TiledRowWriter } from '../tiff/TiledRowWriter';
import { TiledTiffWriter } from '../tiff/TiledTiffWriter';
import { buildPyramidCache } from './buildPyramidCache';
import { halvingLevels } from './ImagePyramid';
import { cropImage, halveImage, MemoryPyramid } from './MemoryPyramid';
import { TiffPyramid } from './TiffPyramid';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'unet-pyramid-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A value that shows a misplaced tile: it differs at every pixel of a tile row. */
const value = (y: number, x: number, c: number) => (y * 131 + x * 7 + c * 50) % 256;

function image(width: number, height: number, channels: number): MultiChannelImage {
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < channels; c++) data[(y * width + x) * channels + c] = value(y, x, c);
  return { width, height, channels, bitDepth: 8, data };
}

/** A plain (single-level) tiled TIFF of `image`, written by rows. */
async function plainTiff(path: string, img: MultiChannelImage): Promise<void> {
  const writer = await TiledTiffWriter.create(path, {
    width: img.width,
    height: img.height,
    channels: img.channels,
    bitDepth: 8,
    tileSize: 256,
  });
  const rows = new TiledRowWriter(writer);
  await rows.writeRows(img.data, img.height);
  await rows.close();
}

describe('image pyramids', () => {
  it('halving levels go down to one tile', () => {
    expect(halvingLevels(1300, 600)).toEqual([
      { width: 1300, height: 600 },
      { width: 650, height: 300 },
      { width: 325, height: 150 },
    ]);
    expect(halvingLevels(100000, 100000)).toHaveLength(9);
    expect(halvingLevels(300, 200)).toEqual([{ width: 300, height: 200 }]);
  });

  it('a decoded image: every tile equals the same rectangle of the whole level', async () => {
    const whole = image(1100, 700, 2);
    const pyramid = new MemoryPyramid(whole);
    expect(pyramid.levels).toHaveLength(3);
    const level1 = halveImage(whole);
    for (const [level, source] of [
      [0, whole],
      [1, level1],
    ] as const) {
      const { width, height } = pyramid.levels[level];
      for (let ty = 0; ty * TILE_SIZE < height; ty++) {
        for (let tx = 0; tx * TILE_SIZE < width; tx++) {
          const tile = await pyramid.readTile(level, tx, ty);
          const rect = {
            x: tx * TILE_SIZE,
            y: ty * TILE_SIZE,
            width: Math.min(TILE_SIZE, width - tx * TILE_SIZE),
            height: Math.min(TILE_SIZE, height - ty * TILE_SIZE),
          };
          expect([tile.width, tile.height]).toEqual([rect.width, rect.height]);
          expect(Buffer.from(tile.data).equals(Buffer.from(cropImage(source, rect).data))).toBe(true);
        }
      }
    }
    // 2x2 mean, rounded: (0,0) of level 1 averages value(0..1, 0..1).
    const expected = Math.round((value(0, 0, 1) + value(0, 1, 1) + value(1, 0, 1) + value(1, 1, 1)) / 4);
    expect((await pyramid.readTile(1, 0, 0)).data[1]).toBe(expected);
    await expect(pyramid.readTile(0, 3, 0)).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(pyramid.readTile(3, 0, 0)).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('a TIFF without a pyramid: the cache holds full resolution and mean levels, read tile by tile', async () => {
    const whole = image(1300, 900, 1);
    const source = join(dir, 'plain.tif');
    await plainTiff(source, whole);
    const tiff = await LazyTiff.open(source);
    expect(tiff.levels).toHaveLength(1);
    const cache = join(dir, 'cache.pyramid.tif');
    const fractions: number[] = [];
    await buildPyramidCache(tiff, cache, { onProgress: (f) => fractions.push(f) });
    await tiff.close();
    expect(fractions).toEqual([512 / 900, 1]);
    const pyramid = new TiffPyramid(await LazyTiff.open(cache));
    expect(pyramid.levels).toEqual(halvingLevels(1300, 900));
    const tile = await pyramid.readTile(0, 2, 1);
    const rect = { x: 1024, y: 512, width: 1300 - 1024, height: 900 - 512 };
    expect([tile.width, tile.height]).toEqual([rect.width, rect.height]);
    expect(Buffer.from(tile.data).equals(Buffer.from(cropImage(whole, rect).data))).toBe(true);
    // Level 1 inside the image: the 2x2 mean of level 0 (the writer truncates, as a Uint8Array does).
    const low = await pyramid.readTile(1, 0, 0);
    for (const [x, y] of [
      [0, 0],
      [100, 37],
      [511, 300],
    ]) {
      const sum = [0, 1].flatMap((dy) => [0, 1].map((dx) => value(2 * y + dy, 2 * x + dx, 0)));
      expect(low.data[y * low.width + x]).toBe(Math.floor(sum.reduce((a, b) => a + b) / 4));
    }
    await pyramid.close();
  });

  it('cancelling the cache build leaves no file behind', async () => {
    const source = join(dir, 'cancel.tif');
    await plainTiff(source, image(700, 1200, 1));
    const tiff = await LazyTiff.open(source);
    const controller = new AbortController();
    const target = join(dir, 'cancelled', 'c.pyramid.tif');
    const build = buildPyramidCache(tiff, target, {
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await expect(build).rejects.toMatchObject({ code: 'cancelled' });
    await tiff.close();
    expect(existsSync(target)).toBe(false);
    expect(await readdir(join(dir, 'cancelled'))).toEqual([]);
  });

  it('a pyramid whose levels do not shrink is refused as corrupt', async () => {
    const path = join(dir, 'levels.tif');
    await plainTiff(path, image(600, 600, 1));
    const tiff = await LazyTiff.open(path);
    const fake = Object.create(tiff) as LazyTiff;
    Object.defineProperty(fake, 'levels', {
      get: () => [tiff.levels[0], { ...tiff.levels[0], width: 700 }],
    });
    expect(() => new TiffPyramid(fake)).toThrow(/level 1 \(700x600\) is not smaller/);
    await tiff.close();
  });
});
