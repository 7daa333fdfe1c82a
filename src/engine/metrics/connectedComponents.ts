import { AppError } from '../../shared/errors';

/**
 * Labels the connected regions of a mask: pixels join when they are neighbours (4: edge
 * neighbours; 8: edge or corner) and hold the same nonzero value, so a class map gives one
 * object per connected patch of each class. Value 0 is background (label 0). Labels run 1..count
 * in raster order of each region's first pixel. Flood fill with an explicit stack: O(pixels).
 */
export function connectedComponents(
  mask: ArrayLike<number>,
  width: number,
  height: number,
  connectivity: 4 | 8 = 4,
): { labels: Int32Array; count: number } {
  const n = width * height;
  if (mask.length !== n) {
    throw new AppError(
      'size_mismatch',
      `mask has ${mask.length} pixels, expected ${width}x${height} = ${n}.`,
    );
  }
  const labels = new Int32Array(n);
  const stack = new Int32Array(n);
  const dx = connectivity === 8 ? [-1, 0, 1, -1, 1, -1, 0, 1] : [0, -1, 1, 0];
  const dy = connectivity === 8 ? [-1, -1, -1, 0, 0, 1, 1, 1] : [-1, 0, 0, 1];
  let count = 0;
  for (let start = 0; start < n; start++) {
    const value = mask[start];
    if (value === 0 || labels[start] !== 0) continue;
    count++;
    labels[start] = count;
    let top = 0;
    stack[top++] = start;
    while (top > 0) {
      const p = stack[--top];
      const x = p % width;
      const y = (p - x) / width;
      for (let k = 0; k < dx.length; k++) {
        const nx = x + dx[k];
        const ny = y + dy[k];
        if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
        const q = ny * width + nx;
        if (labels[q] === 0 && mask[q] === value) {
          labels[q] = count;
          stack[top++] = q;
        }
      }
    }
  }
  return { labels, count };
}

/**
 * Renumbers arbitrary object ids (e.g. sparse 16-bit instance ids) to 1..count, keeping 0 as
 * background; ids are numbered in raster order of their first pixel. Negative ids count as
 * background.
 */
export function compactLabels(ids: ArrayLike<number>): { labels: Int32Array; count: number } {
  const labels = new Int32Array(ids.length);
  const map = new Map<number, number>();
  let lastId = 0;
  let lastLabel = 0;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (id <= 0) continue;
    if (id !== lastId) {
      // Objects come in runs along a row: look the id up only when it changes.
      let label = map.get(id);
      if (label === undefined) {
        label = map.size + 1;
        map.set(id, label);
      }
      lastId = id;
      lastLabel = label;
    }
    labels[i] = lastLabel;
  }
  return { labels, count: map.size };
}
