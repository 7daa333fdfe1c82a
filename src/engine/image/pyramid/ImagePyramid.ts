import { AppError } from '../../../shared/errors';
import { type PyramidLevel, TILE_SIZE } from '../../../shared/imageData';
import type { MultiChannelImage } from '../rasterImage';

/**
 * An image served as tiles of a multiscale pyramid: level 0 is full resolution, each next
 * level about half the one above, down to one tile. Tiles lie on a TILE_SIZE grid of their
 * level and are clipped at its right and bottom edges. Every image reaches the UI this way
 * (a small one is a level or two of a few tiles), so a 100000-pixel slide and a 512-pixel
 * crop take the same path. Call `close()` to release files.
 */
export interface ImagePyramid {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly bitDepth: 8 | 16 | 32;
  readonly levels: readonly PyramidLevel[];
  /** Raw samples of tile (tx, ty) of `level`, HWC. */
  readTile(level: number, tx: number, ty: number): Promise<MultiChannelImage>;
  close(): Promise<void>;
}

/** Level sizes from full resolution, halving (rounded up) until a level fits one tile. */
export function halvingLevels(width: number, height: number): PyramidLevel[] {
  const levels = [{ width, height }];
  while (Math.max(width, height) > TILE_SIZE) {
    width = Math.ceil(width / 2);
    height = Math.ceil(height / 2);
    levels.push({ width, height });
  }
  return levels;
}

/** The rectangle of tile (tx, ty) of `level`; outside the pyramid -> 'invalid_argument'. */
export function tileRect(
  levels: readonly PyramidLevel[],
  level: number,
  tx: number,
  ty: number,
  name: string,
): { x: number; y: number; width: number; height: number } {
  const size = levels[level];
  const ok =
    size !== undefined &&
    Number.isInteger(tx) &&
    Number.isInteger(ty) &&
    tx >= 0 &&
    ty >= 0 &&
    tx * TILE_SIZE < size.width &&
    ty * TILE_SIZE < size.height;
  if (!ok) {
    throw new AppError(
      'invalid_argument',
      `${name}: there is no tile (${tx}, ${ty}) at level ${level} (${levels.length} levels).`,
    );
  }
  const x = tx * TILE_SIZE;
  const y = ty * TILE_SIZE;
  return { x, y, width: Math.min(TILE_SIZE, size.width - x), height: Math.min(TILE_SIZE, size.height - y) };
}
