/**
 * Column value standing for "no object pixel in this column": above any squared distance in an
 * image of sides up to 2^14 (2 * 2^28), and FAR + such a distance still fits an Int32.
 */
const FAR = 2 ** 30;

/**
 * Scratch buffers for {@link foldObjectDistances}; reuse one across calls to avoid allocation.
 * Sized lazily to the largest window seen.
 */
export class EdtScratch {
  /** Column distances, window row-major over the object's columns. */
  columns = new Int32Array(0);
  /** Per object column: first and last object row (window rows; top -1: none). */
  top = new Int32Array(0);
  bottom = new Int32Array(0);
  /** Per window row: first and last object column, -1 when the row's object pixels are not one run. */
  rowFirst = new Int32Array(0);
  rowLast = new Int32Array(0);
  /** Lower envelope: parabola k has its vertex at column v[k], height g[k], g[k] + v[k]^2 in o[k],
   * and is the lowest from z[k] to z[k + 1]. */
  v = new Int32Array(0);
  g = new Int32Array(0);
  o = new Float64Array(0);
  z = new Float64Array(0);

  ensure(windowPixels: number, longestSide: number): void {
    if (this.columns.length < windowPixels) this.columns = new Int32Array(windowPixels);
    if (this.v.length < longestSide + 2) {
      const n = longestSide + 2;
      this.top = new Int32Array(n);
      this.bottom = new Int32Array(n);
      this.rowFirst = new Int32Array(n);
      this.rowLast = new Int32Array(n);
      this.v = new Int32Array(n);
      this.g = new Int32Array(n);
      this.o = new Float64Array(n);
      this.z = new Float64Array(n + 1);
    }
  }
}

/**
 * A window of the image around one object: [x0, x0 + w) x [y0, y0 + h), and, relative to the
 * window, the columns and rows (inclusive) of the object's bounding box.
 */
export interface EdtWindow {
  x0: number;
  y0: number;
  w: number;
  h: number;
  firstColumn: number;
  lastColumn: number;
  firstRow: number;
  lastRow: number;
}

/**
 * Reads the object's pixels in its bounding box: per column its first and last row, per row
 * its first and last column (rowFirst -1 where the row's pixels are not one run). Returns
 * whether every column crosses the object in one run at most: then `top`/`bottom` give every
 * column distance ({@link runColumns}); otherwise `columns` is filled by two sweeps here.
 */
function scanObject(
  ids: Int32Array,
  width: number,
  id: number,
  win: EdtWindow,
  scratch: EdtScratch,
): boolean {
  const { x0, y0, h, firstColumn, lastColumn, firstRow, lastRow } = win;
  const cw = lastColumn - firstColumn + 1;
  const { columns, top, bottom, rowFirst, rowLast } = scratch;
  const left = x0 + firstColumn;
  top.fill(-1, 0, cw);
  let oneRun = true;
  for (let cy = firstRow; cy <= lastRow; cy++) {
    const src = (y0 + cy) * width + left;
    let first = -1;
    let last = -1;
    let runs = 0;
    for (let cx = 0; cx < cw; cx++) {
      if (ids[src + cx] !== id) continue;
      if (cx !== last + 1 || first < 0) runs++;
      if (first < 0) first = cx;
      last = cx;
      if (top[cx] < 0) top[cx] = cy;
      else if (bottom[cx] !== cy - 1) oneRun = false;
      bottom[cx] = cy;
    }
    rowFirst[cy] = runs === 1 ? firstColumn + first : -1;
    rowLast[cy] = firstColumn + last;
  }
  if (oneRun) return true;
  // Two row-major sweeps that track the last object row seen per column (`bottom` reused).
  bottom.fill(-1, 0, cw);
  for (let cy = 0; cy < h; cy++) {
    const src = (y0 + cy) * width + left;
    const base = cy * cw;
    for (let cx = 0; cx < cw; cx++) {
      if (ids[src + cx] === id) bottom[cx] = cy;
      const seen = bottom[cx];
      columns[base + cx] = seen < 0 ? FAR : (cy - seen) * (cy - seen);
    }
  }
  bottom.fill(-1, 0, cw);
  for (let cy = h - 1; cy >= 0; cy--) {
    const src = (y0 + cy) * width + left;
    const base = cy * cw;
    for (let cx = 0; cx < cw; cx++) {
      if (ids[src + cx] === id) bottom[cx] = cy;
      const seen = bottom[cx];
      if (seen >= 0) {
        const d = (seen - cy) * (seen - cy);
        if (d < columns[base + cx]) columns[base + cx] = d;
      }
    }
  }
  return false;
}

/** Column distances of window row `cy` for object columns from..to (0-based), from their runs. */
function runColumns(scratch: EdtScratch, from: number, to: number, cy: number, base: number): void {
  const { columns, top, bottom } = scratch;
  for (let cx = from; cx <= to; cx++) {
    const a = top[cx];
    const b = bottom[cx];
    columns[base + cx] = a < 0 ? FAR : cy < a ? (a - cy) * (a - cy) : cy > b ? (cy - b) * (cy - b) : 0;
  }
}

/**
 * Lower envelope of the parabolas (x - q)^2 + columns[f + q] for window columns q = from..to
 * (Felzenszwalb & Huttenlocher 2012, "Distance transforms of sampled functions"), written into
 * the scratch envelope from slot `at` on.
 */
function lowerEnvelope(
  columns: Int32Array,
  f: number,
  from: number,
  to: number,
  at: number,
  s: EdtScratch,
): void {
  const { v, g, o, z } = s;
  let k = at;
  v[k] = from;
  g[k] = columns[f + from];
  o[k] = g[k] + from * from;
  z[k] = Number.NEGATIVE_INFINITY;
  z[k + 1] = Number.POSITIVE_INFINITY;
  for (let q = from + 1; q <= to; q++) {
    const gq = columns[f + q];
    const oq = gq + q * q;
    let cross = (oq - o[k]) / (2 * (q - v[k]));
    while (cross <= z[k]) {
      k--;
      cross = (oq - o[k]) / (2 * (q - v[k]));
    }
    k++;
    v[k] = q;
    g[k] = gq;
    o[k] = oq;
    z[k] = cross;
    z[k + 1] = Number.POSITIVE_INFINITY;
  }
}

/**
 * Folds the envelope starting at slot `at` into the asked pixels i = first, next[i + 1], ...
 * up to `end` (pixel indices of one image row starting at `row`, the window's column 0).
 */
function foldPixels(
  first: number,
  end: number,
  row: number,
  at: number,
  s: EdtScratch,
  next: Int32Array,
  two: Int32Array,
): void {
  const { v, g, z } = s;
  let k = at;
  for (let i = first; i <= end; i = next[i + 1]) {
    const q = i - row;
    while (z[k + 1] < q) k++;
    const d = (q - v[k]) * (q - v[k]) + g[k];
    const at2 = 2 * i;
    if (d < two[at2 + 1]) {
      // Each object visits a pixel once, so the two kept values belong to distinct ids.
      const near = two[at2];
      if (d < near) {
        two[at2 + 1] = near;
        two[at2] = d;
      } else {
        two[at2 + 1] = d;
      }
    }
  }
}

/**
 * Folds one object's exact squared Euclidean distances (pixel centres, px^2) into the running
 * two smallest of each pixel, two[2i] (nearest) and two[2i + 1] (second): at each asked-about
 * window pixel i within `reach2` of the object, d below the second makes d the new second (or,
 * below the nearest, the new nearest, the old nearest moving to second). `next[i]` is i for a pixel asked about, else the next such pixel (n at
 * the end), so runs of other pixels (the objects themselves) are skipped.
 *
 * Correct as long as every pixel of the object (pixels whose id is `id`) lies in the window's
 * bounding-box columns and rows. Column pass from each column's object run, row pass by the
 * lower envelope of parabolas over the object's columns, each row evaluated only where it can
 * be within reach. Where a row crosses the object in one run [a, b], pixels left of it are
 * nearest to columns up to a and pixels right of it to columns from b (column a or b is at
 * distance 0 and closer in x than any column beyond it), so two short envelopes replace one.
 */
export function foldObjectDistances(
  ids: Int32Array,
  width: number,
  id: number,
  win: EdtWindow,
  reach2: number,
  scratch: EdtScratch,
  next: Int32Array,
  two: Int32Array,
): void {
  const { x0, y0, w, h, firstColumn, lastColumn, firstRow, lastRow } = win;
  const cw = lastColumn - firstColumn + 1;
  scratch.ensure(cw * h, Math.max(w, h));
  const { columns, rowFirst, rowLast } = scratch;
  // The object is read at the first row that needs it: often none does (see next[]).
  let oneRun: boolean | undefined;
  for (let cy = 0; cy < h; cy++) {
    const gap = cy < firstRow ? firstRow - cy : cy > lastRow ? cy - lastRow : 0;
    if (gap * gap > reach2) continue;
    const widen = Math.floor(Math.sqrt(reach2 - gap * gap));
    const row = (y0 + cy) * width + x0;
    const end = row + Math.min(w - 1, lastColumn + widen);
    const first = next[row + Math.max(0, firstColumn - widen)];
    if (first > end) continue; // nothing asked about in reach on this row
    oneRun ??= scanObject(ids, width, id, win, scratch);
    const base = cy * cw;
    const f = base - firstColumn; // columns[f + q] is the column value at window column q
    const a = gap === 0 ? rowFirst[cy] : -1;
    if (a < 0) {
      if (oneRun) runColumns(scratch, 0, cw - 1, cy, base);
      lowerEnvelope(columns, f, firstColumn, lastColumn, 0, scratch);
      foldPixels(first, end, row, 0, scratch, next, two);
      continue;
    }
    const b = rowLast[cy];
    if (oneRun) {
      runColumns(scratch, 0, a - firstColumn, cy, base);
      runColumns(scratch, b - firstColumn, cw - 1, cy, base);
    }
    lowerEnvelope(columns, f, firstColumn, a, 0, scratch);
    foldPixels(first, Math.min(end, row + a - 1), row, 0, scratch, next, two);
    const right = a - firstColumn + 2;
    lowerEnvelope(columns, f, b, lastColumn, right, scratch);
    foldPixels(next[row + b + 1], end, row, right, scratch, next, two);
  }
}
