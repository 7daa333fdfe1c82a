import { copyFile, rename, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { AppError } from '../../shared/errors';
import { MAX_IMAGE_PIXELS, MAX_TILED_IMAGE_SIDE, TILE_SIZE } from '../../shared/imageData';
import type { ImageEntry } from '../../shared/schemas';
import { fsError, writeFileAtomic } from '../fsutil/index';
import {
  buildPyramidCache,
  type ImagePyramid,
  LazyTiff,
  type PyramidCacheOptions,
  STREAM_PIXELS,
  TiffPyramid,
} from '../image/index';
import { newImageId, thumbnailPath, uniqueFileName } from './importImage';
import { intensityStats } from './intensityStats';
import { THUMBNAIL_SIZE, thumbnailPng } from './thumbnail';

/**
 * Images over this many pixels are never decoded whole: they are read tile by tile from
 * their TIFF (or its multiscale cache). Smaller ones are decoded once and cut into tiles.
 * The same bound as prediction's streaming path (STREAM_PIXELS).
 */
export const LARGE_IMAGE_PIXELS = STREAM_PIXELS;

/** Whether an image is opened lazily from its TIFF rather than decoded whole. */
export function isLargeImage(entry: Pick<ImageEntry, 'width' | 'height'>): boolean {
  return entry.width * entry.height > LARGE_IMAGE_PIXELS;
}

/** `images/cache/<id>.pyramid.tif`: the multiscale cache of an image without a pyramid. */
export function pyramidCachePath(dir: string, imageId: string): string {
  return join(dir, 'images', 'cache', `${imageId}.pyramid.tif`);
}

/** True when `source` (path or bytes) is a single-plane TIFF too large to decode whole. */
export async function importsAsLargeTiff(source: string | Uint8Array): Promise<boolean> {
  // Little- or big-endian TIFF/BigTIFF magic: anything else takes the ordinary import.
  if (typeof source !== 'string' && !(source[0] === source[1] && (source[0] === 0x49 || source[0] === 0x4d)))
    return false;
  let tiff: LazyTiff;
  try {
    tiff = await LazyTiff.open(source);
  } catch {
    return false; // not a TIFF this reader opens: the ordinary import says what is wrong
  }
  try {
    const { sizeZ, sizeT } = tiff.metadata;
    return tiff.width * tiff.height > LARGE_IMAGE_PIXELS && sizeZ * sizeT === 1;
  } finally {
    await tiff.close();
  }
}

/** The pyramid of a large image: its cache when one was built, else the TIFF itself. */
export async function openTiffPyramid(dir: string, entry: ImageEntry): Promise<ImagePyramid> {
  const cache = pyramidCachePath(dir, entry.id);
  const hasCache = await stat(cache).then(
    () => true,
    () => false,
  );
  return new TiffPyramid(await LazyTiff.open(hasCache ? cache : join(dir, 'images', entry.file)));
}

/** The smallest level with a longest side of at least `side` (level 0 when none is). */
function levelAtLeast(pyramid: ImagePyramid, side: number): number {
  for (let l = pyramid.levels.length - 1; l >= 0; l--) {
    const { width, height } = pyramid.levels[l];
    if (Math.max(width, height) >= side && width * height <= MAX_IMAGE_PIXELS / 16) return l;
  }
  return 0;
}

/**
 * Imports a TIFF too large to decode whole (see importsAsLargeTiff) from a file: copies it into
 * `images/` (moved when `move`), builds a multiscale cache when it has no pyramid of its own
 * (progress and cancel through `options`), and measures intensity stats and the thumbnail
 * on a reduced level. On any failure (cancelled, disk full) the copy and the cache are
 * removed and the error rethrown; the caller adds the entry to the manifest.
 */
export async function importLargeTiff(
  dir: string,
  source: string,
  originalName: string,
  options: PyramidCacheOptions & { move?: boolean } = {},
): Promise<ImageEntry> {
  const id = newImageId();
  const file = await uniqueFileName(dir, originalName);
  const target = join(dir, 'images', file);
  const cache = pyramidCachePath(dir, id);
  let tiff: LazyTiff | null = null;
  let pyramid: ImagePyramid | null = null;
  try {
    const temp = join(dir, 'images', `.${file}.${id.slice(4)}.tmp`);
    if (options.move) await rename(source, temp);
    else await copyFile(source, temp);
    await rename(temp, target);
    tiff = await LazyTiff.open(target, { name: originalName });
    const { width, height, channels, bitDepth } = tiff;
    if (width > MAX_TILED_IMAGE_SIDE || height > MAX_TILED_IMAGE_SIDE) {
      throw new AppError(
        'too_large',
        `${originalName}: ${width}x${height} pixels; the limit is ${MAX_TILED_IMAGE_SIDE} pixels a side.`,
      );
    }
    if (channels > 4) {
      throw new AppError('unsupported_format', `${originalName}: ${channels} channels; images have 1 to 4.`);
    }
    if (tiff.levels.length === 1 && Math.max(width, height) > 2 * TILE_SIZE) {
      await buildPyramidCache(tiff, cache, options);
      await tiff.close();
      tiff = null;
      pyramid = new TiffPyramid(await LazyTiff.open(cache, { name: originalName }));
    } else {
      pyramid = new TiffPyramid(tiff);
      tiff = null;
    }
    const statsLevel = levelAtLeast(pyramid, 1024);
    const { width: sw, height: sh } = pyramid.levels[statsLevel];
    const sample = await readLevel(pyramid, statsLevel, sw, sh);
    const stats = intensityStats(sample.data);
    const thumbLevel = levelAtLeast(pyramid, THUMBNAIL_SIZE);
    const small = thumbLevel === statsLevel ? sample : await readLevel(pyramid, thumbLevel);
    await writeFileAtomic(thumbnailPath(dir, id), thumbnailPng(small, stats));
    return {
      id,
      name: basename(originalName.replaceAll('\\', '/')),
      file,
      page: 0,
      pages: 1,
      width,
      height,
      channels,
      bitDepth,
      stats,
      annotation: { labelledPixels: 0, objects: 0 },
      addedAt: new Date().toISOString(),
    };
  } catch (error) {
    await Promise.all([target, cache].map((p) => rm(p, { force: true }).catch(() => {})));
    throw error instanceof AppError ? error : fsError(error, target);
  } finally {
    await tiff?.close();
    await pyramid?.close();
  }
}

/** A whole (reduced) level, assembled from its tiles. */
async function readLevel(
  pyramid: ImagePyramid,
  level: number,
  width = pyramid.levels[level].width,
  height = pyramid.levels[level].height,
) {
  const C = pyramid.channels;
  const first = await pyramid.readTile(level, 0, 0);
  const data = new (first.data.constructor as new (n: number) => typeof first.data)(width * height * C);
  for (let ty = 0; ty * TILE_SIZE < height; ty++) {
    for (let tx = 0; tx * TILE_SIZE < width; tx++) {
      const tile = tx === 0 && ty === 0 ? first : await pyramid.readTile(level, tx, ty);
      for (let row = 0; row < tile.height; row++) {
        const to = ((ty * TILE_SIZE + row) * width + tx * TILE_SIZE) * C;
        data.set(tile.data.subarray(row * tile.width * C, (row + 1) * tile.width * C), to);
      }
    }
  }
  return { width, height, channels: C, data };
}
