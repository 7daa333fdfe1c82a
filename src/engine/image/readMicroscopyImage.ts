import { open } from 'node:fs/promises';
import { fsError } from '../fsutil/atomicWrite';
import { sniffFormat } from './decodeImage';
import { checkImageSize, type MultiChannelImage } from './rasterImage';
import { readImage } from './readImage';
import { LazyTiff } from './tiff/LazyTiff';
import { type MicroscopyMetadata, type PixelSize, plainMetadata } from './tiff/metadata';

export interface MicroscopyImage {
  /** All channels (or those asked for) of one (z, t) plane, HWC, not flattened. */
  image: MultiChannelImage;
  metadata: MicroscopyMetadata;
}

/**
 * Reads one (z, t) plane of a microscopy image with its channels kept apart: an OME-TIFF or
 * ImageJ hyperstack (TIFF or BigTIFF) in its own Z/C/T order, with channel names, colours and
 * pixel size; a plain TIFF, PNG or JPEG as its samples (RGB: 3 channels). Images over the
 * size limit are refused ('too_large'): use `LazyTiff` to read regions of those.
 */
export async function readMicroscopyImage(
  path: string,
  opts: { z?: number; t?: number; channels?: number[] } = {},
): Promise<MicroscopyImage> {
  if ((await sniff(path)) !== 'tiff') {
    const image = await readImage(path);
    return { image, metadata: plainMetadata(image.channels) };
  }
  const tiff = await LazyTiff.open(path);
  try {
    checkImageSize(tiff.width, tiff.height, path);
    const image = await tiff.readRegion({ x: 0, y: 0, width: tiff.width, height: tiff.height, ...opts });
    return { image, metadata: tiff.metadata };
  } finally {
    await tiff.close();
  }
}

/**
 * The pixel size a TIFF states (OME, ImageJ or resolution tags), in micrometres; undefined
 * for PNG/JPEG and for files that do not say. Only metadata: a TIFF whose pixels another
 * reader decodes but whose layout the region reader refuses (1-bit, palette) has none.
 */
export async function readPixelSize(path: string): Promise<PixelSize | undefined> {
  if ((await sniff(path)) !== 'tiff') return undefined;
  try {
    const tiff = await LazyTiff.open(path);
    await tiff.close();
    return tiff.metadata.pixelSize;
  } catch {
    return undefined;
  }
}

/** The format from the first bytes only. */
async function sniff(path: string) {
  const head = new Uint8Array(16);
  try {
    const handle = await open(path, 'r');
    try {
      const { bytesRead } = await handle.read(head, 0, 16, 0);
      return sniffFormat(head.subarray(0, bytesRead), path);
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw fsError(error, path);
  }
}
