import { extname } from 'node:path';
import { LARGE_IMAGE_PIXELS } from '../../shared/imageData';
import { MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE } from './rasterImage';
import { LazyTiff } from './tiff/LazyTiff';

/**
 * Images with more pixels than this are read region by region when they are TIFFs (streaming
 * prediction and evaluation): the whole-image prediction path holds about 30 bytes per pixel
 * (input, padded copy, logits, probabilities), 0.5 GB at 4096 x 4096.
 */
export const STREAM_PIXELS = LARGE_IMAGE_PIXELS;

/** True for a .tif/.tiff name. */
export function isTiffName(path: string): boolean {
  return ['.tif', '.tiff'].includes(extname(path).toLowerCase());
}

/**
 * How a TIFF's size calls for reading it: 'small' (whole, at most STREAM_PIXELS px), 'large'
 * (over that, yet within the whole-image decoders' limits) or 'huge' (region by region only).
 * A file that is not a TIFF, or does not open, is 'small': the whole-image reader reports its
 * errors. Reads the header only.
 */
export async function tiffScale(path: string): Promise<'small' | 'large' | 'huge'> {
  if (!isTiffName(path)) return 'small';
  const tiff = await LazyTiff.open(path).catch(() => undefined);
  if (!tiff) return 'small';
  const { width, height } = tiff;
  await tiff.close();
  if (width * height <= STREAM_PIXELS) return 'small';
  const fits = width <= MAX_IMAGE_SIDE && height <= MAX_IMAGE_SIDE && width * height <= MAX_IMAGE_PIXELS;
  return fits ? 'large' : 'huge';
}

/** Whether `path` is a TIFF/BigTIFF of more than STREAM_PIXELS pixels (see `tiffScale`). */
export async function isLargeTiff(path: string): Promise<boolean> {
  return (await tiffScale(path)) !== 'small';
}
