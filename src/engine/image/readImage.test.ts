import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode as encodeJpeg } from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeImage,
  IMAGE_EXTENSIONS,
  imageInfo,
  listImages,
  type RasterImage,
  readImage,
  readImageStack,
  toGrayscale,
  writePng,
  writeTiff,
} from './index';

const fixtures = join(__dirname, '../../../test/fixtures/images');
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'unet-image-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// Fixture formulas (test/fixtures/images/make_fixtures.py): 6 rows x 8 columns.
const H = 6;
const W = 8;
const g = (y: number, x: number) => (x * 16 + y * 3) % 256;
const w16 = (y: number, x: number) => g(y, x) * 257 + 5;
function grid(f: (y: number, x: number) => number): number[] {
  const out: number[] = [];
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) out.push(f(y, x));
  return out;
}

function sample(kind: 8 | 16 | 32, channels: 1 | 3 | 4, width = 7, height = 5): RasterImage {
  const n = width * height * channels;
  const data =
    kind === 8
      ? Uint8Array.from({ length: n }, (_, i) => (i * 37) % 256)
      : kind === 16
        ? Uint16Array.from({ length: n }, (_, i) => (i * 4099) % 65536)
        : Float32Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i) * 1e3 - 0.125));
  return { width, height, channels, bitDepth: kind, data };
}

describe('round trips through our writers and readers', () => {
  const cases: [8 | 16, 1 | 3 | 4][] = [
    [8, 1],
    [8, 3],
    [8, 4],
    [16, 1],
    [16, 3],
  ];
  it.each(cases)('PNG %i-bit, %i channel(s)', async (bits, channels) => {
    const img = sample(bits, channels);
    const path = join(dir, `rt-${bits}-${channels}.png`);
    await writePng(path, img);
    const back = await readImage(path);
    expect(back).toEqual(img);
    expect(back.data.constructor).toBe(img.data.constructor);
    expect(await imageInfo(path)).toEqual({ width: 7, height: 5, channels, bitDepth: bits, pages: 1 });
  });

  const tiffCases: [8 | 16 | 32, 1 | 3][] = [
    [8, 1],
    [8, 3],
    [16, 1],
    [16, 3],
    [32, 1],
    [32, 3],
  ];
  it.each(tiffCases)('TIFF %i-bit, %i channel(s)', async (bits, channels) => {
    const img = sample(bits, channels);
    const path = join(dir, `rt-${bits}-${channels}.tif`);
    await writeTiff(path, img);
    const back = await readImage(path);
    expect(back).toEqual(img);
    expect(back.data.constructor).toBe(img.data.constructor);
    expect(await imageInfo(path)).toEqual({ width: 7, height: 5, channels, bitDepth: bits, pages: 1 });
  });
});

describe('files written by other encoders (Pillow, tifffile, jpeg-js)', () => {
  it('16-bit gray PNG keeps 16 bits', async () => {
    const img = await readImage(join(fixtures, 'gray16.png'));
    expect([img.width, img.height, img.channels, img.bitDepth]).toEqual([W, H, 1, 16]);
    expect(img.data).toBeInstanceOf(Uint16Array);
    expect(Array.from(img.data)).toEqual(grid(w16));
  });

  it('colour palette PNG expands to RGB, gray palette to one channel', async () => {
    const rgb = await readImage(join(fixtures, 'palette-rgb.png'));
    expect(rgb.channels).toBe(3);
    const expected = grid((y, x) => (x + y) % 4).flatMap((i) => [i * 40, 255 - i * 40, 7]);
    expect(Array.from(rgb.data)).toEqual(expected);
    const gray = await readImage(join(fixtures, 'palette-gray.png'));
    expect(gray.channels).toBe(1);
    expect(Array.from(gray.data)).toEqual(grid((y, x) => ((x + y) % 4) * 50));
  });

  it('1-bit PNG unpacks to 0/1 bytes', async () => {
    const img = await readImage(join(fixtures, 'bits1.png'));
    expect([img.channels, img.bitDepth]).toEqual([1, 8]);
    expect(Array.from(img.data)).toEqual(grid((y, x) => (x + y) % 2));
  });

  it('LZW RGB TIFF, deflate float32 TIFF', async () => {
    const rgb = await readImage(join(fixtures, 'rgb-lzw.tif'));
    expect([rgb.channels, rgb.bitDepth]).toEqual([3, 8]);
    expect(Array.from(rgb.data)).toEqual(grid(g).flatMap((v) => [v, 255 - v, 9]));
    const f = await readImage(join(fixtures, 'float32-deflate.tif'));
    expect(f.data).toBeInstanceOf(Float32Array);
    expect(Array.from(f.data)).toEqual(grid((y, x) => Math.fround(g(y, x) / 7)));
  });

  it('multi-page uint16 TIFF reads as a stack, and page by page', async () => {
    const path = join(fixtures, 'stack16.tif');
    const stack = await readImageStack(path);
    expect(stack).toHaveLength(3);
    stack.forEach((page, k) => {
      expect(page.bitDepth).toBe(16);
      expect(Array.from(page.data)).toEqual(grid((y, x) => w16(y, x) + k));
    });
    expect(Array.from((await readImage(path, { page: 2 })).data)).toEqual(grid((y, x) => w16(y, x) + 2));
    expect((await imageInfo(path)).pages).toBe(3);
  });

  it('grayscale JPEG decodes to one channel close to the source', async () => {
    const img = await readImage(join(fixtures, 'gray.jpg'));
    expect([img.width, img.height, img.channels, img.bitDepth]).toEqual([W, H, 1, 8]);
    expect(await imageInfo(join(fixtures, 'gray.jpg'))).toEqual({
      width: W,
      height: H,
      channels: 1,
      bitDepth: 8,
      pages: 1,
    });
    const want = grid(g);
    const worst = Math.max(...Array.from(img.data, (v, i) => Math.abs(v - want[i])));
    expect(worst).toBeLessThanOrEqual(12); // lossy, quality 95 on a sharp 8x6 ramp
  });

  it('colour JPEG decodes to RGB close to the source', () => {
    const width = 16;
    const height = 16;
    const rgba = new Uint8Array(width * height * 4);
    for (let i = 0; i < width * height; i++) rgba.set([200, 40 + (i % 16) * 4, 90, 255], i * 4);
    const bytes = encodeJpeg({ width, height, data: rgba }, 95).data;
    const [img] = decodeImage(new Uint8Array(bytes), 'colour.jpg');
    expect([img.width, img.height, img.channels]).toEqual([16, 16, 3]);
    for (let i = 0; i < width * height; i++) {
      expect(Math.abs(img.data[i * 3] - 200)).toBeLessThanOrEqual(6);
      expect(Math.abs(img.data[i * 3 + 2] - 90)).toBeLessThanOrEqual(6);
    }
  });
});

describe('toGrayscale', () => {
  it('uses BT.601 luma and keeps the bit depth', () => {
    const img: RasterImage = {
      width: 2,
      height: 1,
      channels: 3,
      bitDepth: 16,
      data: Uint16Array.from([1000, 2000, 3000, 0, 0, 65535]),
    };
    const gray = toGrayscale(img);
    // 0.299*1000 + 0.587*2000 + 0.114*3000 = 1815; 0.114*65535 = 7470.99 -> 7471
    expect(Array.from(gray.data)).toEqual([1815, 7471]);
    expect([gray.channels, gray.bitDepth]).toEqual([1, 16]);
    expect(gray.data).toBeInstanceOf(Uint16Array);
  });
});

describe('listImages', () => {
  it('lists image files by extension in natural order, skipping dotfiles and folders', async () => {
    const folder = join(dir, 'list');
    await mkdir(join(folder, 'sub.png'), { recursive: true });
    for (const name of ['10.png', '2.TIF', '1.jpeg', '.hidden.png', 'notes.txt', '3.tiff', 'a.jpg']) {
      await writeFile(join(folder, name), '');
    }
    const names = (await listImages(folder)).map((p) => p.slice(folder.length + 1));
    expect(names).toEqual(['1.jpeg', '2.TIF', '3.tiff', '10.png', 'a.jpg']);
    expect(IMAGE_EXTENSIONS).toEqual(['.png', '.jpg', '.jpeg', '.tif', '.tiff']);
    await expect(listImages(join(dir, 'missing'))).rejects.toMatchObject({ code: 'not_found' });
  });
});
