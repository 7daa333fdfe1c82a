import { AppError } from '../../shared/errors';
import { decodeJpeg, jpegInfo } from './decodeJpeg';
import { decodePng, pngInfo } from './decodePng';
import { decodeTiff, tiffInfo } from './decodeTiff';
import type { ImageInfo, RasterImage } from './rasterImage';

export type ImageFormat = 'png' | 'jpeg' | 'tiff';

/**
 * The format of an image file from its first bytes (never its extension): PNG signature,
 * JPEG SOI + marker, TIFF byte order + 42 (43 = BigTIFF, reported as TIFF and refused later).
 * An empty file is 'corrupt_file'; anything else is 'unsupported_format' naming the file.
 */
export function sniffFormat(bytes: Uint8Array, name: string): ImageFormat {
  if (bytes.length === 0) throw new AppError('corrupt_file', `${name}: the file is empty (0 bytes).`);
  const b = bytes;
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  const isII = b[0] === 0x49 && b[1] === 0x49 && (b[2] === 42 || b[2] === 43) && b[3] === 0;
  const isMM = b[0] === 0x4d && b[1] === 0x4d && b[2] === 0 && (b[3] === 42 || b[3] === 43);
  if (b.length >= 4 && (isII || isMM)) return 'tiff';
  throw new AppError(
    'unsupported_format',
    `${name}: not a PNG, JPEG or TIFF image (the content starts with ${describeStart(b)}).`,
  );
}

/**
 * Decodes image bytes into one RasterImage per page (PNG and JPEG: one). `name` is the file
 * named in errors. Corrupt or truncated data -> 'corrupt_file'; unknown content or sample
 * types -> 'unsupported_format'; more than 16384 px a side or 2^28 px -> 'too_large'.
 * With `page`, only that page is decoded (for TIFF stacks).
 */
export function decodeImage(bytes: Uint8Array, name: string, page?: number): RasterImage[] {
  const format = sniffFormat(bytes, name);
  if (format === 'tiff') return decodeTiff(bytes, name, page === undefined ? undefined : [page]);
  if (page !== undefined && page !== 0) {
    throw new AppError('invalid_argument', `${name}: page ${page} does not exist (1 page).`);
  }
  return [format === 'png' ? decodePng(bytes, name) : decodeJpeg(bytes, name)];
}

/** Size, channels, bit depth and page count from the headers only. */
export function decodeImageInfo(bytes: Uint8Array, name: string): ImageInfo {
  const format = sniffFormat(bytes, name);
  if (format === 'png') return pngInfo(bytes, name);
  if (format === 'jpeg') return jpegInfo(bytes, name);
  return tiffInfo(bytes, name);
}

function describeStart(bytes: Uint8Array): string {
  const head = bytes.subarray(0, 8);
  const printable = Array.from(head).every((c) => c >= 0x20 && c < 0x7f);
  if (printable) return `"${String.fromCharCode(...head)}"`;
  return Array.from(head, (c) => c.toString(16).padStart(2, '0')).join(' ');
}
