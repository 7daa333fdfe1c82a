import { LARGE_IMAGE_PIXELS, type Project } from '../../engine/index';
import { AppError } from '../../shared/errors';
import { TILE_SIZE } from '../../shared/imageData';
import type { ImageEntry } from '../../shared/schemas';
import type { TruthLabels } from './scorePrediction';

/** The annotated part of a large image: its labels in the bounding box of the stored tiles. */
export interface TruthCrop {
  /** Top-left corner of the box in the image (px). */
  x: number;
  y: number;
  annotation: TruthLabels;
}

/**
 * The labels of a large image over the bounding box of its annotated tiles, read tile by tile.
 * Scoring that box equals scoring the whole image (unlabelled pixels are not scored, and
 * predicted objects count only where labelled). A box over LARGE_IMAGE_PIXELS -> 'too_large'
 * saying how far apart the annotations lie and what to do; no annotated tile -> null.
 */
export async function annotatedCrop(
  project: Project,
  entry: Pick<ImageEntry, 'id' | 'name' | 'width' | 'height'>,
): Promise<TruthCrop | null> {
  const { tiles } = await project.labelTileIndex(entry.id);
  if (tiles.length === 0) return null;
  const xs = tiles.map(([tx]) => tx);
  const ys = tiles.map(([, ty]) => ty);
  const x = Math.min(...xs) * TILE_SIZE;
  const y = Math.min(...ys) * TILE_SIZE;
  const width = Math.min(entry.width, (Math.max(...xs) + 1) * TILE_SIZE) - x;
  const height = Math.min(entry.height, (Math.max(...ys) + 1) * TILE_SIZE) - y;
  if (width * height > LARGE_IMAGE_PIXELS) {
    const side = Math.floor(Math.sqrt(LARGE_IMAGE_PIXELS));
    throw new AppError(
      'too_large',
      `${entry.name}: its annotations span ${width}x${height} px from (${x}, ${y}); Compare scores a large ` +
        `image's annotated area up to ${side}x${side} px. Export the predicted mask and score it with ` +
        '`unet-studio evaluate`, or leave this image out.',
    );
  }
  const classes = new Uint8Array(width * height);
  const instances = new Uint16Array(width * height);
  for (const [tx, ty] of tiles) {
    const tile = await project.readLabelTile(entry.id, tx, ty);
    const left = tx * TILE_SIZE - x;
    const top = ty * TILE_SIZE - y;
    const w = Math.min(TILE_SIZE, width - left);
    for (let row = 0; row < Math.min(TILE_SIZE, height - top); row++) {
      const to = (top + row) * width + left;
      classes.set(tile.classes.subarray(row * TILE_SIZE, row * TILE_SIZE + w), to);
      instances.set(tile.instances.subarray(row * TILE_SIZE, row * TILE_SIZE + w), to);
    }
  }
  return { x, y, annotation: { width, height, classes, instances } };
}
