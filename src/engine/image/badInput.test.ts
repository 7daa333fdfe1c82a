import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode as encodeJpeg } from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TinyPage, tinyTiff } from '../../../test/fixtures/images/tinyTiff';
import { appErrorOf } from '../../../test/support/appError';
import {
  encodePng,
  encodeTiff,
  imageInfo,
  type RasterImage,
  readImage,
  readImageStack,
  writePng,
} from './index';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'unet-bad-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const gray: RasterImage = {
  width: 64,
  height: 48,
  channels: 1,
  bitDepth: 8,
  data: Uint8Array.from({ length: 64 * 48 }, (_, i) => (i * 7919) % 251),
};

/** Writes bytes to a file and expects readImage to fail with `code`, naming the file. */
async function expectFailure(name: string, bytes: Uint8Array | string, code: string, text?: RegExp) {
  const path = join(dir, name);
  await writeFile(path, bytes);
  const appError = await appErrorOf(readImage(path));
  expect(appError.code).toBe(code);
  expect(appError.message).toContain(path);
  if (text) expect(appError.message).toMatch(text);
  return appError;
}

function pageOf(bits: number, format: number, width = 4, height = 3): TinyPage {
  return {
    width,
    height,
    bitsPerSample: bits,
    sampleFormat: format,
    bytes: new Uint8Array((width * height * bits) / 8),
  };
}

describe('bad input gives a specific AppError naming the file', () => {
  it('truncated PNG (half the file, and inside the header)', async () => {
    const png = encodePng(gray);
    await expectFailure('half.png', png.subarray(0, Math.floor(png.length / 2)), 'corrupt_file');
    await expectFailure('header.png', png.subarray(0, 20), 'corrupt_file');
  });

  it('PNG with a flipped byte in its pixel data (CRC mismatch)', async () => {
    const png = encodePng(gray).slice();
    png[png.length - 20] ^= 0xff;
    await expectFailure('flipped.png', png, 'corrupt_file');
  });

  it('truncated TIFF (strip cut short, directory cut off)', async () => {
    const tif = await encodeTiff(gray);
    await expectFailure('cut.tif', tif.subarray(0, tif.length - 100), 'corrupt_file', /truncated/);
    await expectFailure('nodir.tif', tif.subarray(0, 30), 'corrupt_file');
  });

  it('truncated JPEG (strict decoding: an error, not a partly gray image)', async () => {
    const rgba = Uint8Array.from({ length: 32 * 32 * 4 }, (_, i) => (i * 13) % 256);
    const jpeg = new Uint8Array(encodeJpeg({ width: 32, height: 32, data: rgba }, 90).data);
    await expectFailure('cut.jpg', jpeg.subarray(0, Math.floor(jpeg.length * 0.9)), 'corrupt_file');
    await expectFailure('soi-only.jpg', jpeg.subarray(0, 4), 'corrupt_file', /no frame header/);
  });

  it('a text file named .png / .tif is not an image', async () => {
    await expectFailure('notes.png', 'hello, I am text\n', 'unsupported_format', /not a PNG, JPEG or TIFF/);
    await expectFailure('notes.tif', '{"json": true}', 'unsupported_format');
  });

  it('zero-size file and zero-width image', async () => {
    await expectFailure('empty.png', new Uint8Array(0), 'corrupt_file', /empty/);
    const png = encodePng(gray).slice();
    png.set([0, 0, 0, 0], 16); // IHDR width = 0
    await expectFailure('zero-width.png', png, 'corrupt_file', /no pixels/);
    await expectFailure('zero.tif', tinyTiff([pageOf(8, 1, 0, 3)]), 'corrupt_file', /no pixels/);
  });

  it('huge images are refused from the header, before decoding', async () => {
    const png = encodePng(gray).slice();
    png.set([0, 0, 0x4e, 0x20], 16); // IHDR width = 20000
    const e = await expectFailure('huge.png', png, 'too_large', /16384/);
    expect(e.message).toContain('20000x48');
    // 16384 x 16385 is within the side limit for width but not for height
    const tif = tinyTiff([{ ...pageOf(8, 1, 1, 1), width: 16384, height: 16385 }]);
    await expectFailure('huge.tif', tif, 'too_large');
  });

  it('64-bit float and complex TIFF samples are unsupported, saying what was found', async () => {
    await expectFailure('f64.tif', tinyTiff([pageOf(64, 3)]), 'unsupported_format', /64-bit float/);
    await expectFailure('c64.tif', tinyTiff([pageOf(64, 6)]), 'unsupported_format', /complex/);
    await expectFailure('i32.tif', tinyTiff([pageOf(32, 2)]), 'unsupported_format', /32-bit signed integer/);
    // the check applies to every page of a stack
    const mixed = join(dir, 'mixed.tif');
    await writeFile(mixed, tinyTiff([pageOf(8, 1), pageOf(64, 3)]));
    await expect(readImageStack(mixed)).rejects.toMatchObject({ code: 'unsupported_format' });
  });

  it('a TIFF whose directory chain loops is corrupt, not an endless loop', async () => {
    const tif = tinyTiff([pageOf(8, 1)]);
    const view = new DataView(tif.buffer);
    const ifd = view.getUint32(4, true);
    view.setUint32(ifd + 2 + 10 * 12, ifd, true); // next IFD = itself
    await expectFailure('loop.tif', tif, 'corrupt_file', /loops/);
  });

  it('signed 16-bit TIFF samples keep their sign (as float32)', async () => {
    const bytes = new Uint8Array(new Int16Array([-300, 5, 32767, -32768]).buffer);
    const path = join(dir, 'i16.tif');
    await writeFile(path, tinyTiff([{ width: 2, height: 2, bitsPerSample: 16, sampleFormat: 2, bytes }]));
    const img = await readImage(path);
    expect(img.bitDepth).toBe(32);
    expect(Array.from(img.data)).toEqual([-300, 5, 32767, -32768]);
  });

  it('missing file, missing page, and inconsistent images given to writers', async () => {
    await expect(readImage(join(dir, 'nope.png'))).rejects.toMatchObject({ code: 'not_found' });
    const path = join(dir, 'one.png');
    await writePng(path, gray);
    const written = await readFile(path);
    await expect(readImage(path, { page: 1 })).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(imageInfo(path)).resolves.toMatchObject({ width: 64, height: 48 });
    const float: RasterImage = { width: 1, height: 1, channels: 1, bitDepth: 32, data: new Float32Array(1) };
    await expect(writePng(join(dir, 'f.png'), float)).rejects.toMatchObject({ code: 'invalid_argument' });
    const short: RasterImage = { ...gray, data: new Uint8Array(10) };
    await expect(writePng(join(dir, 's.png'), short)).rejects.toMatchObject({ code: 'invalid_argument' });
    // Refused over an existing file, a write leaves it as it was, byte for byte; refused writes
    // create no file (nor a stray temp file).
    await expect(writePng(path, float)).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(writePng(path, short)).rejects.toMatchObject({ code: 'invalid_argument' });
    expect((await readFile(path)).equals(written)).toBe(true);
    expect((await readImage(path)).data).toEqual(gray.data);
    expect((await readdir(dir)).filter((n) => /^(f|s|one)\.png/.test(n))).toEqual(['one.png']);
  });
});
