import { extname } from 'node:path';
import { LazyTiff } from './tiff/LazyTiff';

/**
 * Images with more pixels than this are read region by region when they are TIFFs (streaming
 * prediction and evaluation): the whole-image prediction path holds about 30 bytes per pixel
 * (input, padded copy, logits, probabilities), 0.5 GB at 4096 x 4096.
 */
export const STREAM_PIXELS = 4096 * 4096;

/** True for a .tif/.tiff name. */
export function isTiffName(path: string): boolean {
  return ['.tif', '.tiff'].includes(extname(path).toLowerCase());
}

/**
 * Whether `path` is a TIFF/BigTIFF of more than STREAM_PIXELS pixels, read from its header. A
 * file that is not a TIFF, or does not open, is not: the whole-image reader reports its errors.
 */
export async function isLargeTiff(path: string): Promise<boolean> {
  if (!isTiffName(path)) return false;
  const tiff = await LazyTiff.open(path).catch(() => undefined);
  if (!tiff) return false;
  const pixels = tiff.width * tiff.height;
  await tiff.close();
  return pixels > STREAM_PIXELS;
}
