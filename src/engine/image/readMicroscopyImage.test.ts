import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeImage,
  imageInfo,
  readImage,
  readImageStack,
  readMicroscopyImage,
  TiledTiffWriter,
  writePng,
} from './index';

const fixtures = join(__dirname, '../../../test/fixtures/tiff');
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'unet-micro-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('BigTIFF through the small-image API', () => {
  it('readImage, readImageStack and imageInfo read a tiled deflate BigTIFF like a classic TIFF', async () => {
    const path = join(dir, 'rgb16.tif');
    const [width, height] = [70, 45];
    const data = Uint16Array.from({ length: width * height * 3 }, (_, i) => (i * 977) % 65536);
    const writer = await TiledTiffWriter.create(path, {
      width,
      height,
      channels: 3,
      bitDepth: 16,
      tileSize: 32,
    });
    for (let ty = 0; ty < writer.tilesY; ty++)
      for (let tx = 0; tx < writer.tilesX; tx++) {
        const w = Math.min(32, width - tx * 32);
        const h = Math.min(32, height - ty * 32);
        const tile = new Uint16Array(w * h * 3);
        for (let y = 0; y < h; y++)
          tile.set(
            data.subarray(((ty * 32 + y) * width + tx * 32) * 3, ((ty * 32 + y) * width + tx * 32 + w) * 3),
            y * w * 3,
          );
        await writer.writeTile(tx, ty, tile);
      }
    await writer.close();
    expect(await readImage(path)).toEqual({ width, height, channels: 3, bitDepth: 16, data });
    expect(await readImageStack(path)).toHaveLength(1);
    expect(await imageInfo(path)).toEqual({ width, height, channels: 3, bitDepth: 16, pages: 1 });
    // Bytes in memory can only be decoded asynchronously; the sync decoder says so.
    const bytes = new Uint8Array(await readFile(path));
    expect(() => decodeImage(bytes, 'x.tif')).toThrow(/decodeImageAsync/);
  });
});

describe('readMicroscopyImage keeps channels apart', () => {
  it('an OME-TIFF plane: 3 x 16-bit channels, names, pixel size', async () => {
    const { image, metadata } = await readMicroscopyImage(join(fixtures, 'ome-czyx-pyramid.ome.tif'), {
      z: 1,
    });
    expect([image.width, image.height, image.channels, image.bitDepth]).toEqual([64, 48, 3, 16]);
    // value = x + 3y + 100c + 1000z at (y=2, x=5), channels 0..2
    const at = (2 * 64 + 5) * 3;
    expect(Array.from(image.data.subarray(at, at + 3))).toEqual([1011, 1111, 1211]);
    expect(metadata.channels.map((c) => c.name)).toEqual(['DAPI', 'GFP', 'mCherry']);
    expect(metadata.pixelSize).toEqual({ x: 0.325, y: 0.325, z: 1.5 });
  });

  it('a PNG is its samples, with plain metadata', async () => {
    const path = join(dir, 'rgb.png');
    await writePng(path, {
      width: 2,
      height: 1,
      channels: 3,
      bitDepth: 8,
      data: Uint8Array.from([1, 2, 3, 4, 5, 6]),
    });
    const { image, metadata } = await readMicroscopyImage(path);
    expect(Array.from(image.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(metadata).toMatchObject({ source: 'tiff', sizeC: 3, sizeZ: 1, sizeT: 1 });
    await expect(readMicroscopyImage(join(dir, 'nope.tif'))).rejects.toMatchObject({ code: 'not_found' });
  });
});
