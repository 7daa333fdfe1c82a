import { readFile } from 'node:fs/promises';
import { fsError } from '../fsutil/atomicWrite';
import { decodeImageAsync, decodeImageInfoAsync } from './decodeImageAsync';
import type { ImageInfo, RasterImage } from './rasterImage';

async function readBytes(path: string): Promise<Uint8Array> {
  try {
    const buffer = await readFile(path);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (error) {
    throw fsError(error, path);
  }
}

/**
 * Reads one page (default 0) of a PNG, JPEG, TIFF or BigTIFF file, recognised by content. Errors are
 * AppErrors naming `path`: 'not_found', 'corrupt_file', 'unsupported_format', 'too_large',
 * 'invalid_argument' (no such page).
 */
export async function readImage(path: string, opts: { page?: number } = {}): Promise<RasterImage> {
  const [image] = await decodeImageAsync(await readBytes(path), path, opts.page ?? 0);
  return image;
}

/** Reads every page of a TIFF stack (PNG and JPEG give a list of one). */
export async function readImageStack(path: string): Promise<RasterImage[]> {
  return decodeImageAsync(await readBytes(path), path);
}

/** Width, height, channels, bit depth and page count, read from the headers only. */
export async function imageInfo(path: string): Promise<ImageInfo> {
  return decodeImageInfoAsync(await readBytes(path), path);
}
