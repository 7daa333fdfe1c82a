/**
 * Scan conversion of the shapes the tools paint, as horizontal spans in image pixels.
 * A pixel (x, y) is covered when its centre (x + 0.5, y + 0.5) lies inside the shape.
 * Coordinates are image pixels (floats allowed); spans are clipped to the image.
 */

/** A horizontal run of pixels on row `y`, from `x0` to `x1` inclusive. */
export interface Span {
  y: number;
  x0: number;
  x1: number;
}

/** A point in image pixel coordinates (x right, y down; pixel (i, j) spans [i, i+1) x [j, j+1)). */
export interface Point {
  x: number;
  y: number;
}

/** Interval of real xc satisfying lo <= a * xc + b <= hi (null if empty). */
function linearInterval(a: number, b: number, lo: number, hi: number): [number, number] | null {
  if (a === 0) return b >= lo && b <= hi ? [-Infinity, Infinity] : null;
  const p = (lo - b) / a;
  const q = (hi - b) / a;
  return a > 0 ? [p, q] : [q, p];
}

function intersect(u: [number, number] | null, v: [number, number] | null): [number, number] | null {
  if (!u || !v) return null;
  const lo = Math.max(u[0], v[0]);
  const hi = Math.min(u[1], v[1]);
  return lo <= hi ? [lo, hi] : null;
}

function hull(parts: ([number, number] | null)[]): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of parts) {
    if (!p) continue;
    lo = Math.min(lo, p[0]);
    hi = Math.max(hi, p[1]);
  }
  return lo <= hi ? [lo, hi] : null;
}

function diskInterval(c: Point, r: number, yc: number): [number, number] | null {
  const dy = yc - c.y;
  const h = r * r - dy * dy;
  if (h < 0) return null;
  const s = Math.sqrt(h);
  return [c.x - s, c.x + s];
}

/**
 * Spans of the capsule swept by a disk of radius `radius` (px) moving from `a` to `b`: every pixel
 * whose centre is within `radius` of the segment [a, b]. a == b gives a round dab. The capsule is
 * convex, so each row is one interval: the hull of the two end disks and the band between them.
 */
export function capsuleSpans(a: Point, b: Point, radius: number, width: number, height: number): Span[] {
  const spans: Span[] = [];
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  const len = Math.sqrt(len2);
  const yStart = Math.max(0, Math.ceil(Math.min(a.y, b.y) - radius - 0.5));
  const yEnd = Math.min(height - 1, Math.floor(Math.max(a.y, b.y) + radius - 0.5));
  for (let y = yStart; y <= yEnd; y++) {
    const yc = y + 0.5;
    let band: [number, number] | null = null;
    if (len2 > 0) {
      // Projection t = ((p - a) . d) / |d|^2 in [0, 1]; distance |(p - a) x d| / |d| <= r.
      const along = linearInterval(dx / len2, (-a.x * dx + (yc - a.y) * dy) / len2, 0, 1);
      const across = linearInterval(dy / len, (-a.x * dy - (yc - a.y) * dx) / len, -radius, radius);
      band = intersect(along, across);
    }
    const row = hull([diskInterval(a, radius, yc), diskInterval(b, radius, yc), band]);
    if (!row) continue;
    const x0 = Math.max(0, Math.ceil(row[0] - 0.5));
    const x1 = Math.min(width - 1, Math.floor(row[1] - 0.5));
    if (x0 <= x1) spans.push({ y, x0, x1 });
  }
  return spans;
}

/**
 * Spans of a closed polygon (even-odd rule) sampled at pixel centres: a standard scanline fill.
 * Fewer than 3 vertices cover nothing.
 */
export function polygonSpans(points: readonly Point[], width: number, height: number): Span[] {
  const spans: Span[] = [];
  if (points.length < 3) return spans;
  let minY = Infinity;
  let maxY = -Infinity;
  for (const p of points) {
    minY = Math.min(minY, p.y);
    maxY = Math.max(maxY, p.y);
  }
  const yStart = Math.max(0, Math.ceil(minY - 0.5));
  const yEnd = Math.min(height - 1, Math.floor(maxY - 0.5));
  const xs: number[] = [];
  for (let y = yStart; y <= yEnd; y++) {
    const yc = y + 0.5;
    xs.length = 0;
    for (let i = 0; i < points.length; i++) {
      const p = points[i];
      const q = points[(i + 1) % points.length];
      // Half-open rule on y so a vertex on the scanline is counted once.
      if (p.y <= yc !== q.y <= yc) xs.push(p.x + ((yc - p.y) / (q.y - p.y)) * (q.x - p.x));
    }
    xs.sort((u, v) => u - v);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const x0 = Math.max(0, Math.ceil(xs[k] - 0.5));
      const x1 = Math.min(width - 1, Math.ceil(xs[k + 1] - 0.5) - 1);
      if (x0 <= x1) spans.push({ y, x0, x1 });
    }
  }
  return spans;
}

/**
 * Spans of the 4-connected region around `seed` whose pixels satisfy `inside(index)` (index =
 * y * width + x). Scanline flood fill: memory O(width * height) bits for the visited mask.
 * With `limit`, it stops once the spans found hold `limit` pixels or more (part of the region).
 */
export function floodSpans(
  seed: Point,
  width: number,
  height: number,
  inside: (index: number) => boolean,
  limit = Infinity,
): Span[] {
  const sx = Math.floor(seed.x);
  const sy = Math.floor(seed.y);
  const spans: Span[] = [];
  if (sx < 0 || sy < 0 || sx >= width || sy >= height || !inside(sy * width + sx)) return spans;
  const visited = new Uint8Array(width * height);
  const stack: number[] = [sx, sy];
  let area = 0;
  while (stack.length > 0) {
    const y = stack.pop()!;
    const x = stack.pop()!;
    const row = y * width;
    if (visited[row + x]) continue;
    let x0 = x;
    while (x0 > 0 && !visited[row + x0 - 1] && inside(row + x0 - 1)) x0--;
    let x1 = x;
    while (x1 < width - 1 && !visited[row + x1 + 1] && inside(row + x1 + 1)) x1++;
    visited.fill(1, row + x0, row + x1 + 1);
    spans.push({ y, x0, x1 });
    area += x1 - x0 + 1;
    if (area >= limit) break;
    for (const ny of [y - 1, y + 1]) {
      if (ny < 0 || ny >= height) continue;
      const nrow = ny * width;
      let inRun = false;
      for (let nx = x0; nx <= x1; nx++) {
        const ok = !visited[nrow + nx] && inside(nrow + nx);
        if (ok && !inRun) stack.push(nx, ny);
        inRun = ok;
      }
    }
  }
  return spans;
}
