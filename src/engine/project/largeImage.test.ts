import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TILE_SIZE } from '../../shared/imageData';
import { LazyTiff } from '../image/index';
import { TiledTiffWriter } from '../image/tiff/TiledTiffWriter';
import { LARGE_IMAGE_PIXELS, pyramidCachePath } from './largeImage';
import { Project } from './project';

let root: string;
let source: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'unet-large-'));
  source = join(root, 'slide.tif');
  await largeTiff(source);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const [WIDTH, HEIGHT] = [4200, 4100];
const value = (y: number, x: number) => ((x >> 4) * 3 + (y >> 4) * 5) % 200;

/** A plain tiled TIFF over LARGE_IMAGE_PIXELS (no pyramid), written tile by tile. */
async function largeTiff(path: string): Promise<void> {
  const writer = await TiledTiffWriter.create(path, {
    width: WIDTH,
    height: HEIGHT,
    channels: 1,
    bitDepth: 8,
  });
  for (let ty = 0; ty < writer.tilesY; ty++) {
    for (let tx = 0; tx < writer.tilesX; tx++) {
      const tile = new Uint8Array(TILE_SIZE * TILE_SIZE);
      for (let y = 0; y < TILE_SIZE; y++)
        for (let x = 0; x < TILE_SIZE; x++)
          tile[y * TILE_SIZE + x] = value(ty * TILE_SIZE + y, tx * TILE_SIZE + x);
      await writer.writeTile(tx, ty, tile);
    }
  }
  await writer.close();
}

describe('large images in a project', () => {
  it('imports a TIFF too large to decode whole: a cache pyramid, tiles equal to the original, no whole read', async () => {
    expect(WIDTH * HEIGHT).toBeGreaterThan(LARGE_IMAGE_PIXELS);
    const project = await Project.create(join(root, 'p'), 'Large');
    const fractions: number[] = [];
    const [entry] = await project.importFiles([source], { onProgress: (f) => fractions.push(f) });
    expect(fractions.at(-1)).toBe(1);
    expect([entry.width, entry.height, entry.channels, entry.bitDepth, entry.pages]).toEqual([
      WIDTH,
      HEIGHT,
      1,
      8,
      1,
    ]);
    expect(entry.stats.max).toBeGreaterThan(entry.stats.min);
    expect(existsSync(pyramidCachePath(project.dir, entry.id))).toBe(true);
    expect((await readFile(join(project.dir, 'images', entry.file))).equals(await readFile(source))).toBe(
      true,
    );
    const info = await project.imageTileInfo(entry.id);
    expect(info.levels.map((l) => l.width)).toEqual([4200, 2100, 1050, 525, 263]);
    const original = await LazyTiff.open(source);
    for (const [tx, ty] of [
      [0, 0],
      [5, 3],
      [8, 8],
    ]) {
      const tile = await project.readImageTile(entry.id, 0, tx, ty);
      const x = tx * TILE_SIZE;
      const y = ty * TILE_SIZE;
      const want = await original.readRegion({ x, y, width: tile.width, height: tile.height });
      expect(Buffer.from(tile.data).equals(Buffer.from(want.data))).toBe(true);
    }
    await original.close();
    expect((await project.readImageTile(entry.id, 4, 0, 0)).width).toBe(263);
    await expect(project.readImageTile(entry.id, 0, 9, 0)).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    // Labels far from the origin: only the tiles they touch.
    await project.saveAnnotationPatch(entry.id, {
      x: 4190,
      y: 4090,
      w: 10,
      h: 10,
      classes: new Uint8Array(100).fill(2),
      instances: new Uint16Array(100).fill(1),
    });
    expect((await project.labelTileIndex(entry.id)).tiles).toEqual([
      [8, 7],
      [8, 8],
    ]);
    // Never decoded whole: the whole-image read says so instead of allocating it.
    await expect(project.readPixels(entry.id)).rejects.toMatchObject({ code: 'too_large' });
    await project.removeImage(entry.id);
    expect(await readdir(join(project.dir, 'images', 'cache'))).toEqual([]);
    await project.close();
  });

  it('a cancelled import (bytes, as the browser uploads them) leaves no file and no entry', async () => {
    const project = await Project.create(join(root, 'cancelled'), 'Cancelled');
    const controller = new AbortController();
    const upload = project.importBytes('slide.tif', await readFile(source), {
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await expect(upload).rejects.toMatchObject({ code: 'cancelled' });
    expect(project.snapshot().images).toEqual([]);
    expect(await readdir(join(project.dir, 'images'))).toEqual(['cache']);
    expect(await readdir(join(project.dir, 'images', 'cache'))).toEqual([]);
    await project.close();
  });
});
