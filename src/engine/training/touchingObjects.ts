import { TILE_SIZE } from '../../shared/imageData';
import { listLabelTiles, readLabelTile } from '../project/labelTiles';

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
 * Whether objects touch in the stored label tiles of a large image (each tile on its own: objects
 * meeting only across a tile seam are not seen). Stops at the first tile where they do.
 */
export async function labelTilesTouch(dir: string, imageId: string): Promise<boolean> {
  for (const [tx, ty] of await listLabelTiles(dir, imageId)) {
    const tile = await readLabelTile(dir, imageId, tx, ty);
    if (tile !== null && objectsTouch(tile.instances, TILE_SIZE, TILE_SIZE)) return true;
  }
  return false;
}
