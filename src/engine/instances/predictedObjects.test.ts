import { describe, expect, it } from 'vitest';
import { distanceTransform } from './distanceTransform';
import { predictedObjects } from './predictedObjects';

/** Discs (cx, cy, r) painted as class 1; returns the class map. */
function discs(width: number, height: number, list: [number, number, number][]): Uint8Array {
  const classes = new Uint8Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      if (list.some(([cx, cy, r]) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r)) classes[y * width + x] = 1;
  return classes;
}

describe('distanceTransform', () => {
  it('equals the brute-force distance to the nearest outside pixel', () => {
    const w = 23;
    const h = 17;
    const classes = discs(w, h, [
      [6, 7, 5],
      [15, 9, 6],
    ]);
    const got = distanceTransform(w, h, (i) => classes[i] === 1);
    for (let i = 0; i < w * h; i++) {
      let best = Number.POSITIVE_INFINITY;
      if (classes[i] === 1) {
        for (let j = 0; j < w * h; j++) {
          if (classes[j] === 1) continue;
          best = Math.min(best, Math.hypot((i % w) - (j % w), Math.floor(i / w) - Math.floor(j / w)));
        }
      } else best = 0;
      expect(got[i]).toBeCloseTo(best, 5);
    }
  });
});

describe('predictedObjects', () => {
  const w = 60;
  const h = 40;
  // Two discs of radius 10 whose centres are 16 px apart: one 4-connected patch with a neck.
  const touching = discs(w, h, [
    [20, 20, 10],
    [36, 20, 10],
  ]);

  it('splits two touching discs at their neck; connected components keep them as one', () => {
    const split = predictedObjects(touching, null, w, h);
    expect(split.count).toBe(2);
    const merged = predictedObjects(touching, null, w, h, { method: 'components' });
    expect(merged.count).toBe(1);
    // Each centre lies in its own object, and every foreground pixel has one.
    const left = split.labels[20 * w + 20];
    const right = split.labels[20 * w + 36];
    expect(left).not.toBe(right);
    for (let i = 0; i < w * h; i++) expect(split.labels[i] > 0).toBe(touching[i] === 1);
    // The cut is at the neck: pixels nearer the left centre are in the left object.
    for (let y = 12; y < 28; y++) {
      expect(split.labels[y * w + 24]).toBe(left);
      expect(split.labels[y * w + 32]).toBe(right);
    }
  });

  it('does not split one round object or an ellipse with a shallow waist', () => {
    expect(predictedObjects(discs(w, h, [[30, 20, 12]]), null, w, h).count).toBe(1);
    const overlapping = discs(w, h, [
      [27, 20, 10],
      [33, 20, 10],
    ]);
    expect(predictedObjects(overlapping, null, w, h).count).toBe(1);
  });

  it('splits along a line of low foreground probability even without a neck', () => {
    const block = new Uint8Array(w * h);
    const foreground = new Float32Array(w * h);
    for (let y = 5; y < 35; y++) {
      for (let x = 5; x < 55; x++) {
        block[y * w + x] = 1;
        foreground[y * w + x] = x === 30 ? 0.55 : 1;
      }
    }
    expect(predictedObjects(block, null, w, h).count).toBe(1);
    expect(predictedObjects(block, foreground, w, h).count).toBe(2);
  });

  it('splits overlapping discs along a predicted object border (interior probability), not without it', () => {
    // Centres 6 px apart, radius 10: the union is an ellipse with a shallow waist, one object by
    // distance and by foreground probability alike. A model that learned object borders puts a
    // line of low interior probability where they meet (x = 30), as the border class there.
    const overlapping = discs(w, h, [
      [27, 20, 10],
      [33, 20, 10],
    ]);
    const foreground = Float32Array.from(overlapping, (c) => c);
    const interior = Float32Array.from(overlapping, (c, i) => {
      const x = i % w;
      return c === 1 && (x < 29 || x > 31) ? 0.9 : 0.05;
    });
    expect(predictedObjects(overlapping, foreground, w, h).count).toBe(1);
    const split = predictedObjects(overlapping, foreground, w, h, { interior });
    expect(split.count).toBe(2);
    expect(split.labels[20 * w + 24]).not.toBe(split.labels[20 * w + 36]);
    // The border pixels themselves belong to one of the two objects: nothing is lost.
    for (let i = 0; i < w * h; i++) expect(split.labels[i] > 0).toBe(overlapping[i] === 1);
  });

  it('does not shatter a large object whose probability is noisy (texture bumps are not seeds)', () => {
    const blob = discs(w, h, [[30, 20, 19]]);
    let seed = 5;
    const noisy = Float32Array.from(blob, (c) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return c === 0 ? 0 : 0.55 + 0.45 * (seed / 2147483648);
    });
    expect(predictedObjects(blob, noisy, w, h).count).toBe(1);
  });

  it('splits small touching nuclei (radius 5, a shallow neck) that a 2 px depth rule kept joined', () => {
    // A row of three discs of radius 5 whose centres are 8 px apart: the saddles lie 1.5-2 px
    // below the peaks, as between touching nuclei 10 px across.
    const row = discs(w, h, [
      [15, 20, 5],
      [23, 20, 5],
      [31, 20, 5],
    ]);
    const split = predictedObjects(row, null, w, h);
    expect(split.count).toBe(3);
    expect(new Set([20 * w + 15, 20 * w + 23, 20 * w + 31].map((i) => split.labels[i])).size).toBe(3);
    const strict = predictedObjects(row, null, w, h, { minDepth: 2, relativeDepth: 0.2, minBasinArea: 16 });
    expect(strict.count).toBeLessThan(3);
  });

  it('keeps classes apart and drops objects under minArea', () => {
    const classes = discs(w, h, [[10, 10, 5]]);
    for (let y = 25; y < 35; y++) for (let x = 30; x < 40; x++) classes[y * w + x] = 2;
    classes[38 * w + 58] = 1;
    const all = predictedObjects(classes, null, w, h);
    expect(all.count).toBe(3);
    const big = predictedObjects(classes, null, w, h, { minArea: 2 });
    expect(big.count).toBe(2);
    expect(big.labels[38 * w + 58]).toBe(0);
  });
});
