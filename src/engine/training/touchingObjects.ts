import { basename } from 'node:path';
import { TILE_SIZE } from '../../shared/imageData';
import { readImage } from '../image/index';
import { maskFromImage } from '../metrics/index';
import { listLabelTiles, readLabelTile } from '../project/labelTiles';
import type { TrainImage } from './trainConfig';

/**
 * True when two different objects share an edge (4-neighbours with different nonzero ids).
 * Objects that only meet at a corner do not count: connected components of a binary mask never
 * share an edge, so this is true only of labels that tell touching objects apart.
 */
export function objectsTouch(ids: ArrayLike<number>, width: number, height: number): boolean {
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const id = ids[i];
      if (id === 0) continue;
      if (x + 1 < width && ids[i + 1] !== 0 && ids[i + 1] !== id) return true;
      if (y + 1 < height && ids[i + width] !== 0 && ids[i + width] !== id) return true;
    }
  }
  return false;
}

/**
 * The first training image whose labels hold touching objects (objectsTouch), or null: instance
 * label images (16-bit ids, 8-bit label images), a project annotation's object ids, the stored
 * tiles of a large image (each tile on its own). A binary mask or an annotation without object
 * ids has none. Reads the labels only, and stops at the first image that has them.
 */
export async function firstImageWithTouchingObjects(images: readonly TrainImage[]): Promise<string | null> {
  for (const entry of images) {
    const source = entry.annotation;
    if (source.kind === 'mask') {
      const img = await readImage(source.path);
      if (objectsTouch(maskFromImage(img).instances, img.width, img.height)) return basename(entry.image);
    } else if (source.kind === 'annotation') {
      if (source.instancesPath === undefined) continue;
      const img = await readImage(source.instancesPath);
      const ids = img.channels === 1 ? img.data : img.data.filter((_, i) => i % img.channels === 0);
      if (objectsTouch(ids, img.width, img.height)) return basename(entry.image);
    } else {
      for (const [tx, ty] of await listLabelTiles(source.dir, source.imageId)) {
        const tile = await readLabelTile(source.dir, source.imageId, tx, ty);
        if (tile !== null && objectsTouch(tile.instances, TILE_SIZE, TILE_SIZE)) return basename(entry.image);
      }
    }
  }
  return null;
}
