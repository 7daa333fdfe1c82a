/** Value standing for "no feature in reach"; finite so the parabola intersections stay finite. */
const FAR = 1e20;

/**
 * Scratch buffers for {@link squaredEdtInWindow}; reuse one across calls to avoid allocation.
 * Sized lazily to the largest window seen.
 */
export class EdtScratch {
  columns = new Float64Array(0);
  result = new Float64Array(0);
  f = new Float64Array(0);
  z = new Float64Array(0);
  v = new Int32Array(0);
  last = new Int32Array(0);

  ensure(windowPixels: number, longestSide: number): void {
    if (this.columns.length < windowPixels) {
      this.columns = new Float64Array(windowPixels);
      this.result = new Float64Array(windowPixels);
    }
    if (this.f.length < longestSide) {
      this.f = new Float64Array(longestSide);
      this.v = new Int32Array(longestSide);
      this.last = new Int32Array(longestSide);
      this.z = new Float64Array(longestSide + 1);
    }
  }
}

/**
 * Exact squared Euclidean distance (pixel centres, in px^2) from every pixel of the window
 * [x0, x0+w) x [y0, y0+h) to the nearest pixel whose id equals `id`.
 * Correct as long as every pixel of that object lies inside the window (the caller grows the
 * object's bounding box). Column pass by two linear sweeps, row pass by the lower envelope of
 * parabolas (Felzenszwalb & Huttenlocher 2012, "Distance transforms of sampled functions").
 *
 * Writes the w*h result, row-major within the window, into `scratch.result` and returns it.
 */
export function squaredEdtInWindow(
  ids: Int32Array,
  width: number,
  id: number,
  x0: number,
  y0: number,
  w: number,
  h: number,
  scratch: EdtScratch,
): Float64Array {
  scratch.ensure(w * h, Math.max(w, h));
  const { columns, result, f, z, v, last } = scratch;
  // Column pass: squared distance to the nearest object pixel in the same column, as two
  // row-major sweeps (cache friendly) that track the last object row seen per column.
  last.fill(-1, 0, w);
  for (let cy = 0; cy < h; cy++) {
    const src = (y0 + cy) * width + x0;
    const base = cy * w;
    for (let cx = 0; cx < w; cx++) {
      if (ids[src + cx] === id) last[cx] = cy;
      const seen = last[cx];
      columns[base + cx] = seen < 0 ? FAR : (cy - seen) * (cy - seen);
    }
  }
  last.fill(-1, 0, w);
  for (let cy = h - 1; cy >= 0; cy--) {
    const src = (y0 + cy) * width + x0;
    const base = cy * w;
    for (let cx = 0; cx < w; cx++) {
      if (ids[src + cx] === id) last[cx] = cy;
      const seen = last[cx];
      if (seen >= 0) {
        const d = (seen - cy) * (seen - cy);
        if (d < columns[base + cx]) columns[base + cx] = d;
      }
    }
  }
  // Row pass: d(x) = min_q (x - q)^2 + columns(q).
  for (let cy = 0; cy < h; cy++) {
    const base = cy * w;
    for (let q = 0; q < w; q++) f[q] = columns[base + q];
    let k = 0;
    v[0] = 0;
    z[0] = Number.NEGATIVE_INFINITY;
    z[1] = Number.POSITIVE_INFINITY;
    for (let q = 1; q < w; q++) {
      const fq = f[q] + q * q;
      let s = (fq - (f[v[k]] + v[k] * v[k])) / (2 * (q - v[k]));
      while (s <= z[k]) {
        k--;
        s = (fq - (f[v[k]] + v[k] * v[k])) / (2 * (q - v[k]));
      }
      k++;
      v[k] = q;
      z[k] = s;
      z[k + 1] = Number.POSITIVE_INFINITY;
    }
    k = 0;
    for (let q = 0; q < w; q++) {
      while (z[k + 1] < q) k++;
      const dq = q - v[k];
      result[base + q] = dq * dq + f[v[k]];
    }
  }
  return result;
}
