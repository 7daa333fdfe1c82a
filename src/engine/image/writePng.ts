import { crc32 } from 'node:zlib';
import { encode } from 'fast-png';
import { AppError } from '../../shared/errors';
import { writeFileAtomic } from '../fsutil/atomicWrite';
import { assertRaster, type RasterImage } from './rasterImage';
import type { PixelSize } from './tiff/metadata';

export interface PngWriteOptions {
  /** Pixel width/height in micrometres: written as a pHYs chunk in pixels per metre. */
  pixelSize?: PixelSize;
}

/**
 * Encodes an 8- or 16-bit image with 1, 3 or 4 channels as PNG bytes (fast-png, deflate), with
 * a pHYs chunk when `pixelSize` is given (fast-png 8 reads pHYs but does not write it).
 */
export function encodePng(img: RasterImage, name = 'PNG image', options: PngWriteOptions = {}): Uint8Array {
  assertRaster(img, name);
  if (img.bitDepth === 32) {
    throw new AppError(
      'invalid_argument',
      `${name}: PNG holds 8 or 16-bit samples, not float; use TIFF or .npy.`,
    );
  }
  const png = encode({
    width: img.width,
    height: img.height,
    data: img.data as Uint8Array | Uint16Array,
    depth: img.bitDepth,
    channels: img.channels,
  });
  return options.pixelSize === undefined ? png : withPhys(png, options.pixelSize);
}

/** Byte offset after the 8-byte signature and the IHDR chunk (4 length + 4 type + 13 + 4 CRC). */
const AFTER_IHDR = 8 + 25;

/**
 * `png` with a pHYs chunk right after IHDR (PNG 1.2 section 11.3.5.3: before the first IDAT):
 * pixels per metre on x and y (1e6 / micrometres per pixel, rounded), unit 1 = metre.
 */
function withPhys(png: Uint8Array, size: PixelSize): Uint8Array {
  const chunk = new Uint8Array(4 + 4 + 9 + 4);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, 9);
  chunk.set([0x70, 0x48, 0x59, 0x73], 4); // "pHYs"
  view.setUint32(8, Math.round(1e6 / size.x));
  view.setUint32(12, Math.round(1e6 / size.y));
  chunk[16] = 1;
  view.setUint32(17, crc32(chunk.subarray(4, 17)));
  const out = new Uint8Array(png.length + chunk.length);
  out.set(png.subarray(0, AFTER_IHDR), 0);
  out.set(chunk, AFTER_IHDR);
  out.set(png.subarray(AFTER_IHDR), AFTER_IHDR + chunk.length);
  return out;
}

/**
 * Writes an 8/16-bit PNG (label masks, previews) atomically: the old file survives a crash.
 * Float images are refused ('invalid_argument'); disk errors become 'disk_full'/'read_only'.
 */
export async function writePng(path: string, img: RasterImage, options: PngWriteOptions = {}): Promise<void> {
  await writeFileAtomic(path, encodePng(img, path, options));
}
