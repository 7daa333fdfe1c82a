import { convertIndexedToRgb, type DecodedPng, decode } from 'fast-png';
import { AppError } from '../../shared/errors';
import { checkImageSize, checkSampleCount, type ImageInfo, type RasterImage } from './rasterImage';

/**
 * Reads width, height and layout from the IHDR chunk (PNG spec 11.2.2) without inflating the
 * pixels, so that huge images are refused before any allocation.
 */
export function pngInfo(bytes: Uint8Array, name: string): ImageInfo {
  // 8-byte signature, then the IHDR chunk: length (4), "IHDR" (4), width (4), height (4),
  // bit depth (1), colour type (1), ...
  if (bytes.length < 33 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') {
    throw new AppError('corrupt_file', `${name}: the PNG header is truncated or corrupt.`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  checkImageSize(width, height, name);
  const depth = bytes[24];
  const colourType = bytes[25];
  // Colour types: 0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA. Gray+alpha is widened to RGBA.
  const channels = colourType === 0 ? 1 : colourType === 2 || colourType === 3 ? 3 : 4;
  return { width, height, channels, bitDepth: depth === 16 ? 16 : 8, pages: 1 };
}

/**
 * Decodes a PNG with fast-png (CRCs checked). 16-bit stays 16-bit; 1/2/4-bit gray is unpacked
 * to 8-bit keeping the raw sample values (a 1-bit mask reads as 0/1); palettes expand to RGB
 * (RGBA with a tRNS chunk), or to gray when every palette entry is gray; gray+alpha widens to
 * RGBA. Transparency chunks of non-palette images are ignored.
 */
export function decodePng(bytes: Uint8Array, name: string): RasterImage {
  const info = pngInfo(bytes, name);
  let png: DecodedPng;
  try {
    png = decode(bytes, { checkCrc: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new AppError('corrupt_file', `${name}: the PNG file is truncated or corrupt (${reason}).`);
  }
  if (png.width !== info.width || png.height !== info.height) {
    throw new AppError('corrupt_file', `${name}: the PNG file is corrupt (inconsistent size).`);
  }
  const { width, height } = png;
  try {
    if (png.palette) return checkSampleCount(expandPalette(png), name);
    if (png.depth < 8) {
      const data = unpackBits(png.data as Uint8Array, width, height, png.depth);
      return checkSampleCount({ width, height, channels: 1, bitDepth: 8, data }, name);
    }
    const bitDepth = png.depth === 16 ? 16 : 8;
    const data = bitDepth === 16 ? (png.data as Uint16Array) : toUint8(png.data);
    if (png.channels === 2) {
      return checkSampleCount({ width, height, channels: 4, bitDepth, data: grayAlphaToRgba(data) }, name);
    }
    const channels = png.channels === 1 ? 1 : png.channels === 3 ? 3 : 4;
    return checkSampleCount({ width, height, channels, bitDepth, data }, name);
  } catch (error) {
    if (error instanceof AppError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new AppError('corrupt_file', `${name}: the PNG file is corrupt (${reason}).`);
  }
}

function toUint8(data: DecodedPng['data']): Uint8Array {
  if (data instanceof Uint8Array) return data;
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function expandPalette(png: DecodedPng): RasterImage {
  const palette = png.palette ?? [];
  const rgb = convertIndexedToRgb(png);
  const perEntry = palette[0]?.length === 4 ? 4 : 3;
  const { width, height } = png;
  const isGray = perEntry === 3 && palette.every((c) => c[0] === c[1] && c[1] === c[2]);
  if (!isGray) return { width, height, channels: perEntry, bitDepth: 8, data: rgb };
  const gray = new Uint8Array(width * height);
  for (let i = 0; i < gray.length; i++) gray[i] = rgb[i * 3];
  return { width, height, channels: 1, bitDepth: 8, data: gray };
}

/** Unpacks 1/2/4-bit gray rows (MSB first, rows padded to a byte) to one byte per sample. */
function unpackBits(packed: Uint8Array, width: number, height: number, depth: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const bytesPerRow = Math.ceil((width * depth) / 8);
  if (packed.length < bytesPerRow * height) throw new Error('pixel data ends early');
  const mask = (1 << depth) - 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * depth;
      const byte = packed[y * bytesPerRow + (bit >> 3)];
      out[y * width + x] = (byte >> (8 - depth - (bit & 7))) & mask;
    }
  }
  return out;
}

function grayAlphaToRgba<T extends Uint8Array | Uint16Array>(ga: T): T {
  const n = ga.length / 2;
  const out = (ga instanceof Uint16Array ? new Uint16Array(n * 4) : new Uint8Array(n * 4)) as T;
  for (let i = 0; i < n; i++) {
    const v = ga[i * 2];
    out[i * 4] = v;
    out[i * 4 + 1] = v;
    out[i * 4 + 2] = v;
    out[i * 4 + 3] = ga[i * 2 + 1];
  }
  return out;
}
