import { encode } from 'fast-png';
import { AppError } from '../../shared/errors';
import { writeFileAtomic } from '../fsutil/atomicWrite';
import { assertRaster, type RasterImage } from './rasterImage';

/** Encodes an 8- or 16-bit image with 1, 3 or 4 channels as PNG bytes (fast-png, deflate). */
export function encodePng(img: RasterImage, name = 'PNG image'): Uint8Array {
  assertRaster(img, name);
  if (img.bitDepth === 32) {
    throw new AppError(
      'invalid_argument',
      `${name}: PNG holds 8 or 16-bit samples, not float; use TIFF or .npy.`,
    );
  }
  return encode({
    width: img.width,
    height: img.height,
    data: img.data as Uint8Array | Uint16Array,
    depth: img.bitDepth,
    channels: img.channels,
  });
}

/**
 * Writes an 8/16-bit PNG (label masks, previews) atomically: the old file survives a crash.
 * Float images are refused ('invalid_argument'); disk errors become 'disk_full'/'read_only'.
 */
export async function writePng(path: string, img: RasterImage): Promise<void> {
  await writeFileAtomic(path, encodePng(img, path));
}
