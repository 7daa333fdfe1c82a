import { AppError } from '../../../shared/errors';
import { TILE_SIZE } from '../../../shared/imageData';
import type { LazyTiff } from '../tiff/LazyTiff';
import { TiledRowWriter } from '../tiff/TiledRowWriter';
import { TiledTiffWriter } from '../tiff/TiledTiffWriter';
import { halvingLevels } from './ImagePyramid';

export interface PyramidCacheOptions {
  signal?: AbortSignal;
  /** Fraction done (0..1), after each band of TILE_SIZE rows. */
  onProgress?: (fraction: number) => void;
}

/**
 * Writes the multiscale cache of an image that has no pyramid of its own (a plain strip or
 * tiled TIFF): a tiled BigTIFF at `path` holding full resolution plus every halving level
 * (2x2 means), read from `source` one band of TILE_SIZE rows at a time (memory: about one
 * band plus two tile rows per level). Nothing half-written is left: the file appears by an
 * atomic rename when complete; cancelling (-> 'cancelled') or a full disk (-> 'disk_full')
 * removes the temporary file.
 */
export async function buildPyramidCache(
  source: LazyTiff,
  path: string,
  options: PyramidCacheOptions = {},
): Promise<void> {
  const { width, height, channels, bitDepth } = source;
  if (channels > 4) {
    throw new AppError('unsupported_format', `${source.name}: ${channels} channels; a cache holds 1 to 4.`);
  }
  const writer = await TiledTiffWriter.create(path, {
    width,
    height,
    channels,
    bitDepth,
    tileSize: TILE_SIZE,
    levels: halvingLevels(width, height).length,
    downsample: 'mean',
  });
  const rows = new TiledRowWriter(writer);
  try {
    for (let y = 0; y < height; y += TILE_SIZE) {
      if (options.signal?.aborted)
        throw new AppError('cancelled', `Building the cache of ${source.name} was cancelled.`);
      const band = Math.min(TILE_SIZE, height - y);
      const region = await source.readRegion({ x: 0, y, width, height: band });
      await rows.writeRows(region.data, band);
      options.onProgress?.(Math.min(1, (y + band) / height));
    }
    await rows.close();
  } catch (error) {
    await writer.abort();
    throw error;
  }
}
