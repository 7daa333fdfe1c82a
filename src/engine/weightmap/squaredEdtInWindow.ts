/** Value standing for "no feature in reach"; finite so the parabola intersections stay finite. */
const FAR = 1e20;

/**
 * Scratch buffers for {@link squaredEdtInWindow}; reuse one across calls to avoid allocation.
 * Sized lazily to the largest window seen.
 */
export class EdtScratch {
  columns = new Float32Array(0);
  row = new Float64Array(0);
  z = new Float64Array(0);
  v = new Int32Array(0);
  last = new Int32Array(0);

  ensure(windowPixels: number, longestSide: number): void {
    if (this.columns.length < windowPixels) {
      this.columns = new Float32Array(windowPixels);
    }
    if (this.v.length < longestSide) {
      this.row = new Float64Array(longestSide);
      this.v = new Int32Array(longestSide);
      this.last = new Int32Array(longestSide);
      this.z = new Float64Array(longestSide + 1);
    }
  }
}

/** A window of the image, and the columns (window-relative, inclusive) that hold the object. */
export interface EdtWindow {
  x0: number;
  y0: number;
  w: number;
  h: number;
  firstColumn: number;
  lastColumn: number;
}

/**
 * Exact squared Euclidean distance (pixel centres, in px^2) from every pixel of the window
 * [x0, x0+w) x [y0, y0+h) to the nearest pixel whose id equals `id`.
 * Correct as long as every pixel of that object lies inside the window (the caller grows the
 * object's bounding box) within columns firstColumn..lastColumn. Column pass by two linear
 * sweeps, row pass by the lower envelope of parabolas (Felzenszwalb & Huttenlocher 2012,
 * "Distance transforms of sampled functions"), both only over the object's columns.
 *
 * Hands each window row's w distances to `onRow(windowRow, distances)` as soon as it is done
 * (the buffer is reused for the next row).
 */
export function squaredEdtInWindow(
  ids: Int32Array,
  width: number,
  id: number,
  win: EdtWindow,
  scratch: EdtScratch,
  onRow: (windowRow: number, distances: Float64Array) => void,
): void {
  const { x0, y0, w, h, firstColumn, lastColumn } = win;
  const cw = lastColumn - firstColumn + 1;
  scratch.ensure(cw * h, Math.max(w, h));
  const { columns, row, z, v, last } = scratch;
  const left = x0 + firstColumn;
  // Column pass over the object's columns only (the others hold no feature): squared distance
  // to the nearest object pixel in the same column, as two row-major sweeps that track the
  // last object row seen per column.
  last.fill(-1, 0, cw);
  for (let cy = 0; cy < h; cy++) {
    const src = (y0 + cy) * width + left;
    const base = cy * cw;
    for (let cx = 0; cx < cw; cx++) {
      if (ids[src + cx] === id) last[cx] = cy;
      const seen = last[cx];
      columns[base + cx] = seen < 0 ? FAR : (cy - seen) * (cy - seen);
    }
  }
  last.fill(-1, 0, cw);
  for (let cy = h - 1; cy >= 0; cy--) {
    const src = (y0 + cy) * width + left;
    const base = cy * cw;
    for (let cx = 0; cx < cw; cx++) {
      if (ids[src + cx] === id) last[cx] = cy;
      const seen = last[cx];
      if (seen >= 0) {
        const d = (seen - cy) * (seen - cy);
        if (d < columns[base + cx]) columns[base + cx] = d;
      }
    }
  }
  // Row pass: d(x) = min_q (x - q)^2 + columns(q), q over the object's columns; the envelope
  // is built in window coordinates so it can be evaluated at every window column.
  for (let cy = 0; cy < h; cy++) {
    const f = cy * cw - firstColumn; // columns[f + q] is the column value at window column q
    let k = 0;
    v[0] = firstColumn;
    z[0] = Number.NEGATIVE_INFINITY;
    z[1] = Number.POSITIVE_INFINITY;
    for (let q = firstColumn + 1; q <= lastColumn; q++) {
      const fq = columns[f + q] + q * q;
      let vk = v[k];
      let s = (fq - (columns[f + vk] + vk * vk)) / (2 * (q - vk));
      while (s <= z[k]) {
        k--;
        vk = v[k];
        s = (fq - (columns[f + vk] + vk * vk)) / (2 * (q - vk));
      }
      k++;
      v[k] = q;
      z[k] = s;
      z[k + 1] = Number.POSITIVE_INFINITY;
    }
    k = 0;
    for (let q = 0; q < w; q++) {
      while (z[k + 1] < q) k++;
      const vk = v[k];
      row[q] = (q - vk) * (q - vk) + columns[f + vk];
    }
    onRow(cy, row);
  }
}
