import seedrandom from 'seedrandom';

/** A synthetic instance label image: 0 = background, 1..cells = cell ids (16-bit). */
export interface SyntheticCells {
  width: number;
  height: number;
  instances: Uint16Array;
  /** Ids that occur in the image (some seeds may get no pixels). */
  cellCount: number;
}

/** Knobs of {@link syntheticCells}; defaults give ~100 mostly touching cells on 512x512. */
export interface SyntheticCellsOptions {
  width?: number;
  height?: number;
  cells?: number;
  /** Fraction of cells that keep a ~1 px gap to their neighbours; default 0.2. */
  gapFraction?: number;
}

/**
 * Deterministic touching cells: a Voronoi diagram of `cells` seeded points, each cell clipped to
 * a disc of random radius (so most cells touch their neighbours along Voronoi edges while the
 * space between three or more cells stays background), and a fraction of cells pulled back by
 * half a pixel from every Voronoi edge (1 px gaps). Same seed, same image.
 */
export function syntheticCells(seed: number | string, opts: SyntheticCellsOptions = {}): SyntheticCells {
  const width = opts.width ?? 512;
  const height = opts.height ?? 512;
  const cells = opts.cells ?? 100;
  const gapFraction = opts.gapFraction ?? 0.2;
  const rng = seedrandom(`synthetic-cells:${seed}`);
  const px = new Float64Array(cells);
  const py = new Float64Array(cells);
  const radius = new Float64Array(cells);
  const gapped = new Uint8Array(cells);
  // Typical cell spacing: sqrt(area / cells); radii around 0.55-0.8 of it make most cells touch.
  const spacing = Math.sqrt((width * height) / cells);
  for (let k = 0; k < cells; k++) {
    px[k] = rng() * width;
    py[k] = rng() * height;
    radius[k] = spacing * (0.55 + 0.25 * rng());
    gapped[k] = rng() < gapFraction ? 1 : 0;
  }
  const instances = new Uint16Array(width * height);
  const near: NearestSeeds = { a: -1, b: -1, da: 0, db: 0 };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const { a, b, da } = nearestSeeds(px, py, x, y, near);
      if (a < 0 || da > radius[a] * radius[a]) continue;
      if (gapped[a] === 1 && b >= 0 && bisectorDistance(px, py, near) < 0.5) continue;
      instances[y * width + x] = a + 1;
    }
  }
  const present = new Set<number>(instances);
  present.delete(0);
  return { width, height, instances, cellCount: present.size };
}

/** The two seeds nearest a point: indices (-1: none) and squared distances. */
export interface NearestSeeds {
  a: number;
  b: number;
  da: number;
  db: number;
}

/** Fills `out` (reused, so no allocation per pixel) with the two seeds of (xs, ys) nearest (x, y). */
export function nearestSeeds(
  xs: Float64Array,
  ys: Float64Array,
  x: number,
  y: number,
  out: NearestSeeds,
): NearestSeeds {
  let a = -1;
  let b = -1;
  let da = Number.POSITIVE_INFINITY;
  let db = Number.POSITIVE_INFINITY;
  for (let k = 0; k < xs.length; k++) {
    const d = (x - xs[k]) ** 2 + (y - ys[k]) ** 2;
    if (d < da) {
      db = da;
      b = a;
      da = d;
      a = k;
    } else if (d < db) {
      db = d;
      b = k;
    }
  }
  out.a = a;
  out.b = b;
  out.da = da;
  out.db = db;
  return out;
}

/** Distance from the point to the bisector of its two nearest seeds (a Voronoi edge): (db - da) / (2 |a - b|). */
export function bisectorDistance(xs: Float64Array, ys: Float64Array, s: NearestSeeds): number {
  return (s.db - s.da) / (2 * Math.hypot(xs[s.a] - xs[s.b], ys[s.a] - ys[s.b]));
}
