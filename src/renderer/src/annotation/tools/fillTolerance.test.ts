import { describe, expect, it } from 'vitest';
import { noiseSigma, suggestFillTolerance } from './fillTolerance';

/** Seeded normal samples (Box-Muller over a linear congruential generator). */
function gaussian(seed: number): () => number {
  let s = seed;
  const uniform = () => {
    s = (s * 1664525 + 1013904223) % 2 ** 32;
    return (s + 0.5) / 2 ** 32;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

describe('fill tolerance', () => {
  it('estimates the noise of a shaded image with an edge close to the true sigma', () => {
    const [w, h] = [300, 200];
    const normal = gaussian(7);
    const data = new Float64Array(w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) data[y * w + x] = (x < 150 ? 100 : 900) + y + 12 * normal();
    }
    const sigma = noiseSigma(data, 1, w, h);
    expect(sigma).toBeGreaterThan(11);
    expect(sigma).toBeLessThan(13);
    // Interleaved channels: only the first one counts.
    const rgb = new Float64Array(w * h * 3);
    for (let i = 0; i < w * h; i++) rgb.set([data[i], 0, (i * 37) % 255], i * 3);
    expect(noiseSigma(rgb, 3, w, h)).toBeCloseTo(sigma, 10);
    expect(noiseSigma(new Uint8Array(10).fill(5), 1, 10, 1)).toBe(0);
  });

  it('suggests max(3 sigma, 15% of the 0.5-99.5 percentile range), whole units for integer images', () => {
    expect(suggestFillTolerance(12, { min: 0, max: 4095, low: 100, high: 1100 }, false)).toBe(150);
    expect(suggestFillTolerance(80, { min: 0, max: 4095, low: 100, high: 1100 }, false)).toBe(240);
    expect(suggestFillTolerance(0, { min: 3, max: 3, low: 3, high: 3 }, false)).toBe(1);
    expect(suggestFillTolerance(0.01234, { min: 0, max: 1, low: 0, high: 0.1 }, true)).toBe(0.037);
  });
});
