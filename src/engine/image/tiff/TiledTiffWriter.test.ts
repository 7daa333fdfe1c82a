import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPython } from '../../../../test/support/python';
import { itNeeds, pythonWith } from '../../../../test/support/requirement';
import { TiledRowWriter } from './TiledRowWriter';
import { TiledTiffWriter } from './TiledTiffWriter';

const withTifffile = pythonWith(['numpy', 'tifffile'], ['python3-numpy', 'python3-tifffile']);
const python = withTifffile.python;
const itTifffile = itNeeds(withTifffile);
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'unet-tiled-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The value every test image holds at (y, x, c): varied enough that a misplaced tile shows. */
const value16 = (y: number, x: number, c: number) => (y * 131 + x * 7 + c * 1000) % 65536;

/** Tile (tx, ty) of a width x height image, clipped at the edges, HWC. */
function tileOf(tx: number, ty: number, T: number, width: number, height: number, channels: number) {
  const w = Math.min(T, width - tx * T);
  const h = Math.min(T, height - ty * T);
  const data = new Uint16Array(w * h * channels);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < channels; c++)
        data[(y * w + x) * channels + c] = value16(ty * T + y, tx * T + x, c);
  return data;
}

// numpy's view of the same formula, to compare whole levels against.
const numpyImage = `import numpy as np
def image(h, w, c):
    y, x, ch = np.meshgrid(np.arange(h), np.arange(w), np.arange(c), indexing='ij')
    return ((y * 131 + x * 7 + ch * 1000) % 65536).astype(np.uint16)
`;

describe('TiledTiffWriter, read back by tifffile', () => {
  itTifffile(
    'a 16-bit 2-channel BigTIFF: tiles, deflate, values, pixel size, 3 nearest-neighbour levels',
    async () => {
      const [width, height, T] = [1000, 700, 256];
      const path = join(dir, 'two.tif');
      const writer = await TiledTiffWriter.create(path, {
        width,
        height,
        channels: 2,
        bitDepth: 16,
        tileSize: T,
        levels: 3,
        pixelSize: { x: 0.25, y: 0.5 },
      });
      // Out of order on purpose: bottom row first.
      for (let ty = writer.tilesY - 1; ty >= 0; ty--)
        for (let tx = 0; tx < writer.tilesX; tx++)
          await writer.writeTile(tx, ty, tileOf(tx, ty, T, width, height, 2));
      await writer.close();
      const lines = runPython(
        python,
        `${numpyImage}import sys, tifffile
with tifffile.TiffFile(sys.argv[1]) as t:
    p = t.pages[0]
    s = t.series[0]
    print(t.is_bigtiff, p.is_tiled, p.tilewidth, p.tilelength, p.compression.name, t.is_ome)
    print([l.shape for l in s.levels])
    full = image(700, 1000, 2)
    print(bool((s.levels[0].asarray() == full).all()))
    print(bool((s.levels[1].asarray() == full[::2, ::2]).all()), bool((s.levels[2].asarray() == full[::4, ::4]).all()))
    xr = p.tags['XResolution'].value
    x2 = s.levels[1].pages[0].tags['XResolution'].value
    print(xr[1] / xr[0], x2[1] / x2[0])`,
        [path],
      );
      expect(lines).toEqual([
        'True True 256 256 ADOBE_DEFLATE True',
        '[(700, 1000, 2), (350, 500, 2), (175, 250, 2)]',
        'True',
        'True True',
        '0.25 0.5',
      ]);
    },
  );

  itTifffile(
    'RGB 8-bit by rows of any height (TiledRowWriter), mean-downsampled level, empty tiles shared',
    async () => {
      const [width, height, T] = [300, 200, 64];
      const path = join(dir, 'rows.tif');
      const writer = await TiledTiffWriter.create(path, {
        width,
        height,
        channels: 3,
        bitDepth: 8,
        tileSize: T,
        levels: 2,
        downsample: 'mean',
      });
      const rows = new TiledRowWriter(writer);
      // Bands of 37 rows (like prediction output tiles), the last one shorter; rows >= 128 are zero.
      for (let y = 0; y < height; y += 37) {
        const h = Math.min(37, height - y);
        const band = new Uint8Array(width * h * 3);
        for (let r = 0; r < h; r++)
          for (let x = 0; x < width; x++)
            for (let c = 0; c < 3; c++)
              band[(r * width + x) * 3 + c] = y + r < 128 ? (x + 2 * (y + r) + 50 * c) % 256 : 0;
        await rows.writeRows(band, h);
      }
      await rows.close();
      const lines = runPython(
        python,
        `import sys, numpy as np, tifffile
with tifffile.TiffFile(sys.argv[1]) as t:
    s = t.series[0]
    y, x, c = np.meshgrid(np.arange(200), np.arange(300), np.arange(3), indexing='ij')
    full = np.where(y < 128, (x + 2 * y + 50 * c) % 256, 0).astype(np.uint8)
    print(bool((s.levels[0].asarray() == full).all()))
    f = full.astype(np.float64)
    mean = ((f[0::2, 0::2] + f[1::2, 0::2] + f[0::2, 1::2] + f[1::2, 1::2]) / 4).astype(np.uint8)
    print(bool((s.levels[1].asarray() == mean).all()))
    offsets = t.pages[0].dataoffsets
    print(len(offsets), len(set(offsets)))`,
        [path],
      );
      // 5 x 4 tiles; the 10 tiles of the last two rows (y >= 128) are zero and share one stored tile.
      expect(lines).toEqual(['True', 'True', '20 11']);
    },
  );
});

describe('TiledTiffWriter without a reader', () => {
  it('abort leaves no file; wrong tile sizes, types and repeated tiles are refused', async () => {
    const path = join(dir, 'aborted.tif');
    const writer = await TiledTiffWriter.create(path, {
      width: 40,
      height: 40,
      channels: 1,
      bitDepth: 8,
      tileSize: 32,
    });
    await expect(writer.writeTile(0, 0, new Uint8Array(10))).rejects.toMatchObject({ code: 'size_mismatch' });
    await expect(writer.writeTile(0, 0, new Uint16Array(32 * 32))).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    await expect(writer.writeTile(2, 0, new Uint8Array(8 * 32))).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    await writer.writeTile(1, 1, new Uint8Array(8 * 8));
    await expect(writer.writeTile(1, 1, new Uint8Array(8 * 8))).rejects.toThrow(/already written/);
    await writer.abort();
    expect(existsSync(path)).toBe(false);
    // A writer that failed or was aborted never reports a finished file.
    await expect(writer.close()).rejects.toThrow(/aborted/);
    expect((await readdir(dir)).filter((n) => n.includes('aborted'))).toEqual([]);
    await expect(
      TiledTiffWriter.create(path, { width: 10, height: 10, channels: 1, bitDepth: 8, tileSize: 20 }),
    ).rejects.toThrow(/multiple of 16/);
  });
});
