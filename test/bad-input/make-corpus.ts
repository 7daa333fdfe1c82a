// `node --import tsx test/bad-input/make-corpus.ts` rewrites test/bad-input/corpus/.
// The bad-input corpus: small files that are broken in one known way each. They are built
// here with the libraries (fast-png) and a minimal TIFF writer, never with the app's own
// encoders, so a bug in our writer cannot hide a bug in our reader. The files are committed;
// corpus.test.ts checks that they still equal what this script makes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import { encode } from 'fast-png';
import { tinyTiff } from '../fixtures/images/tinyTiff';

/** Folder of the committed corpus. */
export const CORPUS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'corpus');

/** A broken image file and what reading it must give (AppError code, words in the message). */
export interface BadImage {
  file: string;
  code: 'corrupt_file' | 'unsupported_format' | 'too_large';
  says: RegExp;
  why: string;
}

/** Width and height of the good corpus image (good.png); the mismatched mask is the transpose. */
export const GOOD_SIZE = { width: 32, height: 24 };

const gray = (width: number, height: number) =>
  Uint8Array.from({ length: width * height }, (_, i) => (i * 37 + (i >> 5) * 11) % 256);

function goodPng(): Uint8Array {
  const { width, height } = GOOD_SIZE;
  return encode({ width, height, channels: 1, depth: 8, data: gray(width, height) });
}

/** A binary cell mask 0/255: two rectangles, `width` x `height`. */
function maskPng(width: number, height: number): Uint8Array {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const inA = x >= 2 && x < 10 && y >= 3 && y < 11;
      const inB = x >= 14 && x < 20 && y >= 12 && y < 20;
      data[y * width + x] = inA || inB ? 255 : 0;
    }
  return encode({ width, height, channels: 1, depth: 8, data });
}

/** An 8-bit class map using classes 0, 1, 2 and 7 (the project defines only 1 and 2). */
function unknownClassesPng(): Uint8Array {
  const { width, height } = GOOD_SIZE;
  const data = Uint8Array.from({ length: width * height }, (_, i) => [0, 1, 2, 7][i % 4]);
  return encode({ width, height, channels: 1, depth: 8, data });
}

/** Byte offset of the first chunk of `type` in a PNG (its length field). */
function chunkAt(png: Uint8Array, type: string): number {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  for (let at = 8; at + 8 <= png.length; at += 12 + view.getUint32(at)) {
    if (String.fromCharCode(...png.subarray(at + 4, at + 8)) === type) return at;
  }
  throw new Error(`no ${type} chunk`);
}

/** Rewrites the CRC of the chunk at `at` (PNG spec 5.3: CRC over type and data). */
function fixCrc(png: Uint8Array, at: number): Uint8Array {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const length = view.getUint32(at);
  view.setUint32(at + 8 + length, crc32(png.subarray(at + 4, at + 8 + length)));
  return png;
}

/** good.png with IHDR width/height replaced (CRC fixed, so only the size is wrong). */
function resizedHeader(width: number, height: number): Uint8Array {
  const png = goodPng().slice();
  const view = new DataView(png.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  return fixCrc(png, 8);
}

/** good.png whose IDAT holds a zlib stream with a broken header, CRC valid. */
function badZlibPng(): Uint8Array {
  const png = goodPng().slice();
  const idat = chunkAt(png, 'IDAT');
  png[idat + 8] = 0x78;
  png[idat + 9] = 0x00; // FCHECK wrong: (0x78 * 256 + 0) % 31 != 0
  png[idat + 12] ^= 0x5a;
  return fixCrc(png, idat);
}

function badCrcPng(): Uint8Array {
  const png = goodPng().slice();
  const idat = chunkAt(png, 'IDAT');
  png[idat + 10] ^= 0x01; // one bit of the compressed data; the stored CRC no longer matches
  return png;
}

const tiffPage = (bits: number, format: number, width = 8, height = 6) => ({
  width,
  height,
  bitsPerSample: bits,
  sampleFormat: format,
  bytes: new Uint8Array((width * height * bits) / 8),
});

function goodTiff(): Uint8Array {
  const { width, height } = GOOD_SIZE;
  return tinyTiff([{ width, height, bitsPerSample: 8, sampleFormat: 1, bytes: gray(width, height) }]);
}

/** A classic TIFF whose header claims BigTIFF (version 43): its first-IFD field is garbage. */
function bigTiff(): Uint8Array {
  const bytes = goodTiff().slice();
  bytes[2] = 43;
  return bytes;
}

/** Every broken image of the corpus and what reading it must give. */
export const BAD_IMAGES: BadImage[] = [
  { file: 'truncated.png', code: 'corrupt_file', says: /truncated|corrupt/, why: 'cut in half' },
  { file: 'truncated.tif', code: 'corrupt_file', says: /truncated/, why: 'strip cut short' },
  { file: 'bad-crc.png', code: 'corrupt_file', says: /corrupt/, why: 'one bit flipped in IDAT' },
  { file: 'bad-zlib.png', code: 'corrupt_file', says: /corrupt/, why: 'zlib stream broken, CRC valid' },
  { file: 'empty.png', code: 'corrupt_file', says: /empty/, why: 'zero bytes' },
  { file: 'empty.tif', code: 'corrupt_file', says: /empty/, why: 'zero bytes' },
  { file: 'zero-width.png', code: 'corrupt_file', says: /no pixels/, why: 'IHDR width 0' },
  { file: 'zero-height.tif', code: 'corrupt_file', says: /no pixels/, why: 'ImageLength 0' },
  { file: 'huge.png', code: 'too_large', says: /16384/, why: 'IHDR 100000 x 100000' },
  { file: 'huge.tif', code: 'too_large', says: /16384/, why: '16385 x 8 px' },
  { file: 'text.png', code: 'unsupported_format', says: /not a PNG, JPEG or TIFF/, why: 'a text file' },
  { file: 'text.tif', code: 'unsupported_format', says: /not a PNG, JPEG or TIFF/, why: 'JSON' },
  { file: 'html.jpg', code: 'unsupported_format', says: /not a PNG, JPEG or TIFF/, why: 'an HTML page' },
  { file: 'float64.tif', code: 'unsupported_format', says: /64-bit float/, why: '64-bit float samples' },
  { file: 'complex.tif', code: 'unsupported_format', says: /complex/, why: 'complex float samples' },
  {
    file: 'bigtiff.tif',
    code: 'corrupt_file',
    says: /truncated or corrupt/,
    why: 'BigTIFF header on a classic file',
  },
];

/** Every corpus file by name (path relative to corpus/). */
export function buildCorpus(): Map<string, Uint8Array | string> {
  const png = goodPng();
  const tif = goodTiff();
  const { width, height } = GOOD_SIZE;
  return new Map<string, Uint8Array | string>([
    ['good.png', png],
    ['good-mask.png', maskPng(width, height)],
    ['transposed-mask.png', maskPng(height, width)],
    ['unknown-classes.png', unknownClassesPng()],
    ['truncated.png', png.subarray(0, Math.floor(png.length / 2))],
    ['truncated.tif', tif.subarray(0, tif.length - 200)],
    ['bad-crc.png', badCrcPng()],
    ['bad-zlib.png', badZlibPng()],
    ['empty.png', new Uint8Array(0)],
    ['empty.tif', new Uint8Array(0)],
    ['zero-width.png', resizedHeader(0, height)],
    ['zero-height.tif', tinyTiff([tiffPage(8, 1, 8, 0)])],
    ['huge.png', resizedHeader(100_000, 100_000)],
    ['huge.tif', tinyTiff([{ ...tiffPage(8, 1, 1, 1), width: 16385, height: 8 }])],
    ['text.png', 'These are my notes, not an image.\n'],
    ['text.tif', '{"cells": 12}\n'],
    ['html.jpg', '<!doctype html><title>404 Not Found</title>\n'],
    ['float64.tif', tinyTiff([tiffPage(64, 3)])],
    ['complex.tif', tinyTiff([tiffPage(64, 6)])],
    ['bigtiff.tif', bigTiff()],
  ]);
}

const manifest = {
  schemaVersion: 1,
  name: 'corpus',
  classes: [
    { id: 1, name: 'background', color: '#3b82f6' },
    { id: 2, name: 'cell', color: '#f59e0b' },
  ],
  images: [],
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

/**
 * Broken project manifests (folder name -> project.json text). Not committed as files (the
 * linter would parse them); tests write them into temporary project folders.
 */
export const BAD_MANIFESTS: Record<string, string> = {
  malformed: '{"schemaVersion": 1, "name": "cut off",\n',
  'wrong-fields': `${JSON.stringify({ ...manifest, images: 'none' }, null, 2)}\n`,
  future: `${JSON.stringify({ ...manifest, schemaVersion: 99 }, null, 2)}\n`,
};

/** Writes the corpus to `dir` (default: the committed corpus folder). */
export function writeCorpus(dir = CORPUS_DIR): void {
  for (const [name, content] of buildCorpus()) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeCorpus();
  process.stdout.write(`wrote ${buildCorpus().size} files to ${CORPUS_DIR}\n`);
}
