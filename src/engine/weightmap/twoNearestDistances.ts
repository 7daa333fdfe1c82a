import { EdtScratch, squaredEdtInWindow } from './squaredEdtInWindow';

/** Per-pixel squared distances (px^2) to the nearest and second-nearest distinct object. */
export interface TwoNearest {
  /** Squared distance to the nearest object, Infinity when none lies within `maxDistance`. */
  nearest: Float32Array;
  /** Squared distance to the second-nearest object (a different id), or Infinity. */
  second: Float32Array;
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
 * For every pixel with `include[i] !== 0`, the squared Euclidean distances (pixel centres) to
 * the nearest and second-nearest objects of `ids` (0 = no object; equal ids = one object,
 * connected or not), counting only objects within `maxDistance` px. Exact for those objects:
 * each object gets an exact distance transform over its bounding box grown by `maxDistance`,
 * which holds every pixel within that distance of it.
 */
export function twoNearestDistances(
  ids: Int32Array,
  include: Uint8Array,
  width: number,
  height: number,
  maxDistance: number,
): TwoNearest {
  const n = width * height;
  // Squared distances are integers: `limit` sits just above the largest one in reach, so a
  // single "d < second[i]" test rejects out-of-reach values and, with -1 stored on excluded
  // pixels, excluded pixels too.
  const limit = Math.floor(maxDistance * maxDistance) + 0.5;
  const nearest = new Float32Array(n);
  const second = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const value = include[i] === 0 ? -1 : limit;
    nearest[i] = value;
    second[i] = value;
  }
  const boxes = boundingBoxes(ids, width, height);
  const reach = Math.floor(maxDistance);
  const scratch = new EdtScratch();
  for (const box of boxes) {
    const x0 = Math.max(0, box.minX - reach);
    const y0 = Math.max(0, box.minY - reach);
    const w = Math.min(width - 1, box.maxX + reach) - x0 + 1;
    const h = Math.min(height - 1, box.maxY + reach) - y0 + 1;
    const win = { x0, y0, w, h, firstColumn: box.minX - x0, lastColumn: box.maxX - x0 };
    squaredEdtInWindow(ids, width, box.id, win, scratch, (cy, d2) => {
      const row = (y0 + cy) * width + x0;
      for (let cx = 0; cx < w; cx++) {
        const d = d2[cx];
        const i = row + cx;
        if (d >= second[i]) continue;
        // Each object visits a pixel once, so the two kept values belong to distinct ids.
        if (d < nearest[i]) {
          second[i] = nearest[i];
          nearest[i] = d;
        } else {
          second[i] = d;
        }
      }
    });
  }
  for (let i = 0; i < n; i++) {
    if (nearest[i] < 0 || nearest[i] === limit) nearest[i] = Number.POSITIVE_INFINITY;
    if (second[i] < 0 || second[i] === limit) second[i] = Number.POSITIVE_INFINITY;
  }
  return { nearest, second, objectCount: boxes.length };
}
