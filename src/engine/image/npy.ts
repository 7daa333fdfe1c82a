import { readFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { AppError } from '../../shared/errors';
import { fsError, writeFileAtomic } from '../fsutil/atomicWrite';
import { assertRaster, type PixelData, type RasterImage } from './rasterImage';

/** An n-dimensional array as stored in .npy: C order, `shape` in elements. */
export interface NpyArray {
  shape: number[];
  data: PixelData;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const IS_LITTLE_ENDIAN = endianness() === 'LE';

function descrOf(data: PixelData): string {
  if (data instanceof Uint8Array) return '|u1';
  if (data instanceof Uint16Array) return '<u2';
  return '<f4';
}

/**
 * Encodes an NPY v1.0 file (numpy.lib.format): magic "\x93NUMPY", version 1.0, a little-endian
 * uint16 header length, then an ASCII dict literal padded with spaces and ended by "\n" so that
 * the data starts at a multiple of 64 bytes; then the samples, little-endian, C order.
 * A RasterImage is stored as (height, width) for one channel, (height, width, channels) else.
 */
export function encodeNpy(array: RasterImage | NpyArray, name = 'array'): Uint8Array {
  let shape: number[];
  if ('shape' in array) {
    shape = array.shape;
    const count = shape.reduce((a, b) => a * b, 1);
    if (shape.some((d) => !Number.isInteger(d) || d < 0) || count !== array.data.length) {
      throw new AppError(
        'invalid_argument',
        `${name}: shape (${shape.join(', ')}) does not hold ${array.data.length} values.`,
      );
    }
  } else {
    assertRaster(array, name);
    shape = array.channels === 1 ? [array.height, array.width] : [array.height, array.width, array.channels];
  }
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${descrOf(array.data)}', 'fortran_order': False, 'shape': ${tuple}, }`;
  const unpadded = MAGIC.length + 2 + 2 + dict.length + 1; // + 1 for the closing newline
  const header = `${dict}${' '.repeat((64 - (unpadded % 64)) % 64)}\n`;
  const out = new Uint8Array(MAGIC.length + 4 + header.length + array.data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1; // major version
  out[7] = 0; // minor version
  out[8] = header.length & 0xff;
  out[9] = header.length >> 8;
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const body = out.subarray(10 + header.length);
  if (IS_LITTLE_ENDIAN || array.data instanceof Uint8Array) {
    body.set(new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.byteLength));
  } else {
    const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
    const src = array.data;
    for (let i = 0; i < src.length; i++) {
      if (src instanceof Uint16Array) view.setUint16(i * 2, src[i], true);
      else view.setFloat32(i * 4, src[i], true);
    }
  }
  return out;
}

/** Writes float32 / uint16 / uint8 data as .npy (v1.0), atomically. */
export async function writeNpy(path: string, array: RasterImage | NpyArray): Promise<void> {
  await writeFileAtomic(path, encodeNpy(array, path));
}

/**
 * Decodes .npy bytes (versions 1.0-3.0) holding uint8, uint16 or float32 in C order (either
 * byte order). Other dtypes and Fortran order -> 'unsupported_format'; short data ->
 * 'corrupt_file'.
 */
export function decodeNpy(bytes: Uint8Array, name: string): NpyArray {
  if (bytes.length < 10 || MAGIC.some((m, i) => bytes[i] !== m)) {
    throw new AppError('unsupported_format', `${name}: not a .npy file (no \\x93NUMPY magic).`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (start + headerLength > bytes.length)
    throw new AppError('corrupt_file', `${name}: the .npy header is truncated.`);
  const header = new TextDecoder().decode(bytes.subarray(start, start + headerLength));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new AppError('corrupt_file', `${name}: the .npy header is not a valid dict.`);
  }
  if (fortran === 'True')
    throw new AppError('unsupported_format', `${name}: Fortran-order arrays are not supported.`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = start + headerLength;
  const kinds: Record<string, [number, boolean]> = {
    '|u1': [1, true],
    '<u1': [1, true],
    '<u2': [2, true],
    '>u2': [2, false],
    '<f4': [4, true],
    '>f4': [4, false],
  };
  const kind = kinds[descr];
  if (kind === undefined)
    throw new AppError(
      'unsupported_format',
      `${name}: dtype ${descr} is not supported (uint8, uint16, float32).`,
    );
  const [size, little] = kind;
  if (bytes.length - dataStart < count * size) {
    throw new AppError(
      'corrupt_file',
      `${name}: the .npy data is truncated (${bytes.length - dataStart} of ${count * size} bytes).`,
    );
  }
  if (size === 1) return { shape, data: bytes.slice(dataStart, dataStart + count) };
  const data = size === 2 ? new Uint16Array(count) : new Float32Array(count);
  for (let i = 0; i < count; i++) {
    data[i] =
      size === 2 ? view.getUint16(dataStart + i * 2, little) : view.getFloat32(dataStart + i * 4, little);
  }
  return { shape, data };
}

/** Reads a .npy file (see `decodeNpy`). */
export async function readNpy(path: string): Promise<NpyArray> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (error) {
    throw fsError(error, path);
  }
  return decodeNpy(bytes, path);
}
