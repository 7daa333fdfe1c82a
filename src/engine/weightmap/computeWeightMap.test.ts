import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { syntheticCells } from '../../../bench/_synthetic';
import { maxAbsDiff } from '../../../test/support/maxAbsDiff';
import { AppError } from '../../shared/errors';
import { computeAnnotationWeightMap } from './computeAnnotationWeightMap';
import { computeWeightMap } from './computeWeightMap';

/** Textbook eq. 2, written independently: every background pixel x every object pixel. */
function bruteForce(
  ids: ArrayLike<number>,
  width: number,
  height: number,
  w0: number,
  sigma: number,
  balance = true,
) {
  const n = width * height;
  const sep = new Int32Array(n);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const id = ids[y * width + x];
      let keep = id;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          const yy = y + dy;
          if (xx < 0 || yy < 0 || xx >= width || yy >= height) continue;
          const other = ids[yy * width + xx];
          if (id !== 0 && other !== 0 && other !== id) keep = 0;
        }
      }
      sep[y * width + x] = keep;
    }
  }
  const pixelsOf = new Map<number, Array<[number, number]>>();
  for (let i = 0; i < n; i++) {
    if (sep[i] === 0) continue;
    const list = pixelsOf.get(sep[i]) ?? [];
    list.push([i % width, Math.floor(i / width)]);
    pixelsOf.set(sep[i], list);
  }
  const fg = sep.reduce((a, v) => a + (v > 0 ? 1 : 0), 0);
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const isFg = sep[i] > 0;
    weights[i] = balance ? n / (2 * (isFg ? fg : n - fg)) : 1;
    if (isFg || pixelsOf.size < 2) continue;
    const x = i % width;
    const y = Math.floor(i / width);
    const perObject = [...pixelsOf.values()].map((pixels) =>
      Math.min(...pixels.map(([px, py]) => Math.hypot(px - x, py - y))),
    );
    perObject.sort((a, b) => a - b);
    const d = perObject[0] + perObject[1];
    weights[i] += w0 * Math.exp(-(d * d) / (2 * sigma * sigma));
  }
  return { weights, targets: Uint8Array.from(sep, (v) => (v > 0 ? 1 : 0)) };
}

/** Random blobs: discs with random ids (repeated ids give split objects), some overlapping. */
function randomBlobs(seed: string, width: number, height: number): Int32Array {
  const rng = seedrandom(seed);
  const ids = new Int32Array(width * height);
  const count = 2 + Math.floor(rng() * 8);
  for (let k = 0; k < count; k++) {
    const cx = rng() * width;
    const cy = rng() * height;
    const r = 1 + rng() * 8;
    const id = 1 + Math.floor(rng() * 6);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) ids[y * width + x] = id;
      }
    }
  }
  return ids;
}

describe('computeWeightMap', () => {
  it('matches eq. 2 by hand for two cells with a 2 px gap', () => {
    // Row [1 1 0 0 2 2]: gap pixel x=2 has d1 = 1 (x=1), d2 = 2 (x=4), so d1 + d2 = 3.
    const { weights, targets } = computeWeightMap([1, 1, 0, 0, 2, 2], 6, 1);
    expect(Array.from(targets)).toEqual([1, 1, 0, 0, 1, 1]);
    // w_c: N = 6, 2 background -> 6 / (2 * 2) = 1.5; 4 foreground -> 6 / (2 * 4) = 0.75.
    // Border: 10 * exp(-9 / 50) = 8.352702114.
    expect(weights[2]).toBeCloseTo(1.5 + 8.352702114, 5);
    expect(weights[3]).toBeCloseTo(1.5 + 8.352702114, 5);
    expect(weights[0]).toBeCloseTo(0.75, 6);
  });

  it('splits touching cells with a separation border before weighting', () => {
    // Row [1 1 2 2]: x=1 and x=2 touch the other cell and become background.
    const { weights, targets } = computeWeightMap([1, 1, 2, 2], 4, 1);
    expect(Array.from(targets)).toEqual([1, 0, 0, 1]);
    // Gap pixel x=1: d1 = 1 (x=0), d2 = 2 (x=3); w_c = 4 / (2 * 2) = 1.
    expect(weights[1]).toBeCloseTo(1 + 8.352702114, 5);
    expect(weights[0]).toBeCloseTo(1, 6);
  });

  it('has no border term with fewer than two objects', () => {
    const { weights } = computeWeightMap([0, 3, 3, 0, 0, 0], 3, 2);
    // N = 6: 2 foreground -> 1.5, 4 background -> 0.75.
    expect(Array.from(weights)).toEqual([0.75, 1.5, 1.5, 0.75, 0.75, 0.75]);
  });

  it("'auto' class balance weighs sparse objects up and leaves objects that fill most of the image alone", () => {
    // Sparse: 2 object pixels of 6 -> balanced as with classBalance true.
    const sparse = [0, 3, 3, 0, 0, 0];
    expect(computeWeightMap(sparse, 3, 2, { classBalance: 'auto' }).weights).toEqual(
      computeWeightMap(sparse, 3, 2, { classBalance: true }).weights,
    );
    // Dense: 4 object pixels of 6 (a thin background between packed cells) -> w_c = 1.
    const dense = [3, 3, 0, 3, 3, 0];
    const auto = computeWeightMap(dense, 3, 2, { classBalance: 'auto', w0: 0 });
    expect(Array.from(auto.weights)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(Array.from(computeWeightMap(dense, 3, 2, { classBalance: true, w0: 0 }).weights)).toEqual([
      0.75, 0.75, 1.5, 0.75, 0.75, 1.5,
    ]);
    // A tie is not a background majority: no balance.
    expect(Array.from(computeWeightMap([3, 3, 3, 0, 0, 0], 3, 2, { classBalance: 'auto' }).weights)).toEqual([
      1, 1, 1, 1, 1, 1,
    ]);
  });

  it('matches the brute force on small random images (max abs diff < 1e-3)', () => {
    for (let t = 0; t < 12; t++) {
      const width = 20 + t * 3;
      const height = 16 + ((t * 7) % 21);
      const ids = randomBlobs(`blobs-${t}`, width, height);
      const w0 = t % 3 === 0 ? 10 : 3 + t;
      // sigma 0.4: the cut-off (~1.9 px) is shorter than one pixel plus the 1 px floor.
      const sigma = t % 4 === 0 ? 5 : t === 3 ? 0.4 : 1.5 + t * 0.7;
      const balance = t % 5 !== 1;
      const fast = computeWeightMap(ids, width, height, { w0, sigma, classBalance: balance });
      const slow = bruteForce(ids, width, height, w0, sigma, balance);
      expect(fast.targets).toEqual(slow.targets);
      expect(maxAbsDiff(fast.weights, slow.weights)).toBeLessThan(1e-3);
    }
  });

  it('matches the brute force on synthetic touching cells beyond the cut-off', () => {
    // 96x80 with 6 cells: cell pairs far apart exercise the cut-off (sigma 5 -> ~26 px).
    const s = syntheticCells('test', { width: 96, height: 80, cells: 6 });
    const fast = computeWeightMap(s.instances, s.width, s.height);
    const slow = bruteForce(s.instances, s.width, s.height, 10, 5);
    expect(fast.targets).toEqual(slow.targets);
    expect(maxAbsDiff(fast.weights, slow.weights)).toBeLessThan(1e-4);
  });

  it('matches the brute force on concave, hollow and split objects, with a reach beyond the image', () => {
    // 40x30: a U (id 1, open at the top, background inside), a ring (id 2, a hole inside), one
    // id in two separate blobs (id 3), and a bar touching the U (the separation border).
    const width = 40;
    const height = 30;
    const ids = new Int32Array(width * height);
    const paint = (id: number, inside: (x: number, y: number) => boolean) => {
      for (let y = 0; y < height; y++)
        for (let x = 0; x < width; x++) if (inside(x, y)) ids[y * width + x] = id;
    };
    paint(1, (x, y) => x >= 2 && x <= 14 && y >= 3 && y <= 16 && !(x >= 5 && x <= 11 && y <= 13));
    paint(2, (x, y) => Math.hypot(x - 27, y - 9) <= 7 && Math.hypot(x - 27, y - 9) >= 3.5);
    paint(3, (x, y) => Math.hypot(x - 6, y - 24) <= 3 || Math.hypot(x - 33, y - 24) <= 2.5);
    paint(4, (x, y) => x >= 15 && x <= 22 && y >= 15 && y <= 17);
    for (const [w0, sigma] of [
      [10, 5],
      [10, 40], // cut-off ~210 px: every window is the whole image
      [3, 1.2],
    ]) {
      const fast = computeWeightMap(ids, width, height, { w0, sigma });
      const slow = bruteForce(ids, width, height, w0, sigma);
      expect(fast.targets).toEqual(slow.targets);
      expect(maxAbsDiff(fast.weights, slow.weights), `w0 ${w0}, sigma ${sigma}`).toBeLessThan(1e-4);
    }
  });

  it('rejects bad input with specific codes', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof AppError ? e.code : 'not an AppError';
      }
      return 'no error';
    };
    expect(code(() => computeWeightMap([0, 1, 2], 2, 2))).toBe('size_mismatch');
    expect(code(() => computeWeightMap([0, 1, 2, 1], 2, 2, { sigma: 0 }))).toBe('invalid_argument');
    expect(code(() => computeWeightMap([0, -1, 2, 1], 2, 2))).toBe('invalid_argument');
  });
});

describe('computeAnnotationWeightMap', () => {
  it('gives unlabelled pixels weight 0 and leaves them out of the class frequencies', () => {
    // Row: unlabelled x2, background x3, cell 1 x2, background, cell 2 x1, unlabelled.
    const classes = Uint8Array.from([0, 0, 1, 1, 1, 2, 2, 1, 2, 0]);
    const instances = Int32Array.from([0, 0, 0, 0, 0, 1, 1, 0, 2, 0]);
    const { weights, targets } = computeAnnotationWeightMap({
      classes,
      instances,
      width: 10,
      height: 1,
      numClasses: 2,
      w0: 0,
    });
    // N = 7 labelled: 4 background -> 7 / (2 * 4) = 0.875; 3 foreground -> 7 / 6.
    expect(Array.from(targets)).toEqual([0, 0, 0, 0, 0, 1, 1, 0, 1, 0]);
    expect(weights[0]).toBe(0);
    expect(weights[9]).toBe(0);
    expect(weights[2]).toBeCloseTo(0.875, 6);
    expect(weights[5]).toBeCloseTo(7 / 6, 6);
  });

  it('adds the border term on labelled background between annotated cells', () => {
    const classes = Uint8Array.from([0, 2, 2, 1, 1, 2, 2, 0]);
    const instances = Int32Array.from([0, 4, 4, 0, 0, 9, 9, 0]);
    const { weights } = computeAnnotationWeightMap({
      classes,
      instances,
      width: 8,
      height: 1,
      numClasses: 2,
    });
    // N = 6: w_c(bg) = 6 / (2 * 2) = 1.5; pixel 3: d1 = 1, d2 = 2 -> 10 exp(-9/50).
    expect(weights[3]).toBeCloseTo(1.5 + 8.352702114, 5);
    expect(weights[0]).toBe(0);
  });

  it('maps classes to network indices with three classes', () => {
    const classes = Uint8Array.from([1, 2, 3, 0]);
    const instances = new Int32Array(4);
    const { targets, weights } = computeAnnotationWeightMap({
      classes,
      instances,
      width: 2,
      height: 2,
      numClasses: 3,
    });
    expect(Array.from(targets)).toEqual([0, 1, 2, 0]);
    // N = 3, C = 3, one pixel each -> 1.
    expect(Array.from(weights)).toEqual([1, 1, 1, 0]);
  });
});
