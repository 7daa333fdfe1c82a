import { AppError } from '../../shared/errors';

/** One connected region found by StreamingComponents, in image pixels. */
export interface StreamedObject {
  /** 1..count in raster order of the object's first pixel (as `connectedComponents`). */
  id: number;
  /** The pixel value the region holds (its class). */
  value: number;
  area: number;
  centroidX: number;
  centroidY: number;
  /** Bounding box: left, top, width, height. */
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Provisional-label table entries per label: the stats a union merges. */
const STATS = 8; // area, sumX, sumY, minX, minY, maxX, maxY, raster index of the first pixel

/**
 * Connected-component labelling fed one row at a time, top to bottom (4-connectivity: pixels
 * join when they are edge neighbours holding the same nonzero value, as `connectedComponents`).
 * Each run of equal values gets the label of a run above it that it touches, or a new one; when
 * it touches several, their labels are joined in a union-find whose root is the smallest label,
 * i.e. the label of the region's first pixel in raster order. So regions cut by any block or
 * band border come out whole, and `finish()` numbers them exactly as a whole-image pass does.
 * Labels are made per run that touches nothing above, so a noisy mask makes many; when no
 * caller holds provisional labels (`addRows` without `labels`), the table is compacted once it
 * passes `compactAt` labels: regions that no longer reach the last row are finished and leave
 * the table. Memory then: the previous row, the live regions and the finished objects' stats,
 * never the pixels.
 */
export class StreamingComponents {
  private parent = new Int32Array(1024);
  private stats = new Float64Array(1024 * STATS);
  private values = new Float64Array(1024);
  private labelCount = 0;
  private previous = new Int32Array(0);
  private current = new Int32Array(0);
  private previousValues = new Float64Array(0);
  private rows = 0;
  /** Regions finished by a compaction, with the raster index of their first pixel. */
  private readonly done: { first: number; object: Omit<StreamedObject, 'id'> }[] = [];
  /** A caller holds provisional labels: the table may not be renumbered. */
  private labelsGiven = false;
  private readonly compactAt: number;

  constructor(
    readonly width: number,
    options: { compactAt?: number } = {},
  ) {
    this.compactAt = options.compactAt ?? Math.max(1 << 16, 4 * width);
    if (!Number.isInteger(width) || width < 1) {
      throw new AppError('invalid_argument', `StreamingComponents: width ${width} is not a positive integer`);
    }
    this.previous = new Int32Array(width);
    this.current = new Int32Array(width);
    this.previousValues = new Float64Array(width);
  }

  /** Rows fed so far. */
  get height(): number {
    return this.rows;
  }

  /**
   * Labels `rows` full rows of `values` (row-major, `width` per row). With `labels` (rows x
   * width), writes there the provisional label of each pixel (0 for background), which
   * `finish().idOf` maps to its region's id; returns `labels`.
   */
  addRows<T extends Int32Array | undefined>(values: ArrayLike<number>, rows: number, labels?: T): T {
    const { width } = this;
    if (values.length !== rows * width) {
      throw new AppError(
        'size_mismatch',
        `StreamingComponents: ${values.length} values for ${rows} rows of ${width}`,
      );
    }
    if (labels !== undefined && labels.length !== rows * width) {
      throw new AppError(
        'size_mismatch',
        `StreamingComponents: ${labels.length} labels for ${rows} rows of ${width}`,
      );
    }
    if (labels !== undefined) this.labelsGiven = true;
    const current = this.current;
    for (let r = 0; r < rows; r++) {
      const y = this.rows++;
      const base = r * width;
      current.fill(0);
      let x = 0;
      while (x < width) {
        const value = values[base + x];
        if (value === 0) {
          x++;
          continue;
        }
        let end = x + 1;
        while (end < width && values[base + end] === value) end++;
        // The run [x, end) joins every run above it of the same value (4-connectivity).
        let label = 0;
        for (let k = x; k < end; k++) {
          const above = this.previous[k];
          if (above === 0 || this.previousValues[k] !== value) continue;
          label = label === 0 ? this.find(above) : this.union(label, above);
        }
        if (label === 0) label = this.newLabel(value, y * width + x);
        this.addRun(label, x, end, y);
        current.fill(label, x, end);
        x = end;
      }
      labels?.set(current, base);
      for (let k = 0; k < width; k++) {
        this.previous[k] = current[k];
        this.previousValues[k] = values[base + k];
      }
    }
    if (!this.labelsGiven && this.labelCount > this.compactAt) this.compact();
    return labels as T;
  }

  /** The root label of a provisional label's region. */
  find(label: number): number {
    let root = label;
    while (this.parent[root] !== root) root = this.parent[root];
    while (this.parent[label] !== root) {
      const next = this.parent[label];
      this.parent[label] = root;
      label = next;
    }
    return root;
  }

  /**
   * Numbers the regions 1..count in raster order of their first pixel. `idOf` maps any
   * provisional label returned by `addRows` to its region's id.
   */
  finish(): { objects: StreamedObject[]; idOf: (label: number) => number } {
    const entries: { first: number; label: number; object: Omit<StreamedObject, 'id'> }[] = this.done.map(
      (d) => ({ ...d, label: 0 }),
    );
    for (let label = 1; label <= this.labelCount; label++) {
      if (this.find(label) === label) {
        entries.push({ first: this.stats[label * STATS + 7], label, object: this.objectOf(label) });
      }
    }
    entries.sort((a, b) => a.first - b.first);
    const ids = new Int32Array(this.labelCount + 1);
    const objects = entries.map((entry, i) => {
      ids[entry.label] = i + 1;
      return { id: i + 1, ...entry.object };
    });
    return { objects, idOf: (label) => (label === 0 ? 0 : ids[this.find(label)]) };
  }

  private objectOf(label: number): Omit<StreamedObject, 'id'> {
    const s = label * STATS;
    const area = this.stats[s];
    return {
      value: this.values[label],
      area,
      centroidX: this.stats[s + 1] / area,
      centroidY: this.stats[s + 2] / area,
      x: this.stats[s + 3],
      y: this.stats[s + 4],
      width: this.stats[s + 5] - this.stats[s + 3] + 1,
      height: this.stats[s + 6] - this.stats[s + 4] + 1,
    };
  }

  /**
   * Moves the regions that no longer reach the last row out of the table (they cannot grow)
   * and renumbers the live ones 1..m in their old order, so smaller labels stay earlier.
   */
  private compact(): void {
    const live = new Uint8Array(this.labelCount + 1);
    for (let k = 0; k < this.width; k++) if (this.previous[k] !== 0) live[this.find(this.previous[k])] = 1;
    const renumbered = new Int32Array(this.labelCount + 1);
    let m = 0;
    for (let label = 1; label <= this.labelCount; label++) {
      if (this.find(label) !== label) continue;
      if (live[label]) renumbered[label] = ++m;
      else this.done.push({ first: this.stats[label * STATS + 7], object: this.objectOf(label) });
    }
    const size = Math.max(1024, 2 * m + 2);
    const parent = new Int32Array(size);
    const values = new Float64Array(size);
    const stats = new Float64Array(size * STATS);
    for (let label = 1; label <= this.labelCount; label++) {
      const to = renumbered[label];
      if (to === 0) continue;
      parent[to] = to;
      values[to] = this.values[label];
      stats.set(this.stats.subarray(label * STATS, (label + 1) * STATS), to * STATS);
    }
    for (let k = 0; k < this.width; k++) {
      if (this.previous[k] !== 0) this.previous[k] = renumbered[this.find(this.previous[k])];
    }
    this.parent = parent;
    this.values = values;
    this.stats = stats;
    this.labelCount = m;
  }

  private newLabel(value: number, first: number): number {
    const label = ++this.labelCount;
    if (label >= this.parent.length) {
      const grow = <T extends Int32Array | Float64Array>(a: T, n: number): T => {
        const b = new (a.constructor as new (n: number) => T)(n);
        b.set(a);
        return b;
      };
      const size = this.parent.length * 2;
      this.parent = grow(this.parent, size);
      this.values = grow(this.values, size);
      this.stats = grow(this.stats, size * STATS);
    }
    this.parent[label] = label;
    this.values[label] = value;
    const s = label * STATS;
    this.stats.set([0, 0, 0, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, -1, -1, first], s);
    return label;
  }

  private addRun(label: number, x0: number, x1: number, y: number): void {
    const s = this.find(label) * STATS;
    const n = x1 - x0;
    this.stats[s] += n;
    this.stats[s + 1] += (n * (x0 + x1 - 1)) / 2; // sum of x over the run
    this.stats[s + 2] += n * y;
    this.stats[s + 3] = Math.min(this.stats[s + 3], x0);
    this.stats[s + 4] = Math.min(this.stats[s + 4], y);
    this.stats[s + 5] = Math.max(this.stats[s + 5], x1 - 1);
    this.stats[s + 6] = Math.max(this.stats[s + 6], y);
  }

  /** Joins two regions; the smaller root (first in raster order) keeps the merged stats. */
  private union(a: number, b: number): number {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return ra;
    const [root, child] = ra < rb ? [ra, rb] : [rb, ra];
    this.parent[child] = root;
    const r = root * STATS;
    const c = child * STATS;
    for (let k = 0; k < 3; k++) this.stats[r + k] += this.stats[c + k];
    for (const k of [3, 4, 7]) this.stats[r + k] = Math.min(this.stats[r + k], this.stats[c + k]);
    for (let k = 5; k < 7; k++) this.stats[r + k] = Math.max(this.stats[r + k], this.stats[c + k]);
    return root;
  }
}
