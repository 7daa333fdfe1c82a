import { EdtScratch, foldObjectDistances } from './foldObjectDistances';

/** Per-pixel squared distances (px^2, integers) to the nearest and second-nearest distinct object. */
export interface TwoNearest {
  /**
   * Pixel i's squared distance to the nearest object at two[2i] and to the second-nearest (a
   * different id) at two[2i + 1]; `none` where no object lies within reach. Side by side, as
   * they are read and written together.
   */
  two: Int32Array;
  /** The value standing for "no object within reach"; pixels not asked about hold it too. */
  none: number;
  /** Number of distinct object ids found. */
  objectCount: number;
}

interface Box {
  id: number;
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

function boundingBoxes(ids: Int32Array, width: number, height: number): Box[] {
  const byId = new Map<number, Box>();
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let previous = 0;
    let box: Box | undefined;
    for (let x = 0; x < width; x++) {
      const id = ids[row + x];
      if (id === 0) continue;
      if (id !== previous || box === undefined) {
        box = byId.get(id);
        if (box === undefined) {
          box = { id, minX: x, minY: y, maxX: x, maxY: y };
          byId.set(id, box);
        }
        previous = id;
      }
      if (x < box.minX) box.minX = x;
      if (x > box.maxX) box.maxX = x;
      if (y > box.maxY) box.maxY = y;
    }
  }
  return [...byId.values()];
}

/**
 * For every pixel with `classOf[i] === asked`, the squared Euclidean distances (pixel centres) to
 * the nearest and second-nearest objects of `ids` (0 = no object; equal ids = one object,
 * connected or not), counting only objects within `maxDistance` px. Exact for those objects:
 * each object gets an exact distance transform over its bounding box grown by `maxDistance`,
 * which holds every pixel within that distance of it, evaluated only at the pixels asked about
 * that can be in reach.
 */
export function twoNearestDistances(
  ids: Int32Array,
  classOf: Uint8Array,
  asked: number,
  width: number,
  height: number,
  maxDistance: number,
): TwoNearest {
  const n = width * height;
  // No two pixels are further apart than the image's diagonal (this also keeps reach2 an Int32).
  const reachPx = Math.min(maxDistance, Math.hypot(width, height));
  const reach = Math.floor(reachPx);
  // Squared distances are integers: `none` sits just above the largest one in reach, so a
  // single test against the second-nearest value rejects out-of-reach values.
  const reach2 = Math.floor(reachPx * reachPx);
  const none = reach2 + 1;
  const two = new Int32Array(2 * n).fill(none);
  // next[i]: the first pixel asked about at or after i (n when there is none): distances are
  // evaluated there only.
  const next = new Int32Array(n + 1);
  next[n] = n;
  for (let i = n - 1, j = n; i >= 0; i--) {
    if (classOf[i] === asked) j = i;
    next[i] = j;
  }
  const boxes = boundingBoxes(ids, width, height);
  const scratch = new EdtScratch();
  for (const box of boxes) {
    const x0 = Math.max(0, box.minX - reach);
    const y0 = Math.max(0, box.minY - reach);
    const w = Math.min(width - 1, box.maxX + reach) - x0 + 1;
    const h = Math.min(height - 1, box.maxY + reach) - y0 + 1;
    const win = {
      x0,
      y0,
      w,
      h,
      firstColumn: box.minX - x0,
      lastColumn: box.maxX - x0,
      firstRow: box.minY - y0,
      lastRow: box.maxY - y0,
    };
    foldObjectDistances(ids, width, box.id, win, reach2, scratch, next, two);
  }
  return { two, none, objectCount: boxes.length };
}
