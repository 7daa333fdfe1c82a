import { decode } from 'jpeg-js';
import { AppError } from '../../shared/errors';
import { checkImageSize, checkSampleCount, type ImageInfo, type RasterImage } from './rasterImage';

/**
 * Reads size and component count from the JPEG start-of-frame segment (ITU T.81, B.2.2)
 * without decoding the scan, so that huge images are refused before any allocation.
 */
export function jpegInfo(bytes: Uint8Array, name: string): ImageInfo {
  let offset = 2; // after the SOI marker FFD8
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) break;
    const marker = bytes[offset + 1];
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    const length = (bytes[offset + 2] << 8) | bytes[offset + 3];
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame header.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (offset + 10 > bytes.length) break;
      const height = (bytes[offset + 5] << 8) | bytes[offset + 6];
      const width = (bytes[offset + 7] << 8) | bytes[offset + 8];
      const components = bytes[offset + 9];
      checkImageSize(width, height, name);
      return { width, height, channels: components === 1 ? 1 : 3, bitDepth: 8, pages: 1 };
    }
    offset += 2 + length;
  }
  throw new AppError('corrupt_file', `${name}: the JPEG file is truncated or corrupt (no frame header).`);
}

/**
 * Decodes a baseline or progressive JPEG with jpeg-js, strictly (no tolerant decoding, so a
 * truncated file is an error rather than a partly gray image). Grayscale JPEGs come back with
 * one channel, colour ones as RGB; always 8-bit.
 */
export function decodeJpeg(bytes: Uint8Array, name: string): RasterImage {
  const info = jpegInfo(bytes, name);
  let rgb: Uint8Array;
  let width: number;
  let height: number;
  try {
    const decoded = decode(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      tolerantDecoding: false,
      maxResolutionInMP: 300,
      maxMemoryUsageInMB: 2048,
    });
    rgb = decoded.data;
    width = decoded.width;
    height = decoded.height;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new AppError('corrupt_file', `${name}: the JPEG file is truncated or corrupt (${reason}).`);
  }
  if (width !== info.width || height !== info.height) {
    throw new AppError('corrupt_file', `${name}: the JPEG file is corrupt (inconsistent size).`);
  }
  const img = checkSampleCount({ width, height, channels: 3, bitDepth: 8, data: rgb }, name);
  if (info.channels === 3) return img;
  // jpeg-js replicates a single component into R, G and B: keep one.
  const gray = new Uint8Array(width * height);
  for (let i = 0; i < gray.length; i++) gray[i] = rgb[i * 3];
  return { width, height, channels: 1, bitDepth: 8, data: gray };
}
