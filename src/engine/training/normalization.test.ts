import { describe, expect, it } from 'vitest';
import type { RasterImage } from '../image/index';
import { DEFAULT_PERCENTILE_NORMALIZATION as PERCENTILE } from '../model/types';
import { modelInput } from '../prediction/modelInput';
import { applyNormalization, percentiles } from './normalization';

/** numpy.percentile (linear): brute force over the sorted values, written out differently. */
function numpyPercentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const h = ((sorted.length - 1) * q) / 100;
  const lo = sorted[Math.floor(h)];
  const hi = sorted[Math.ceil(h)];
  return lo * (1 - (h - Math.floor(h))) + hi * (h - Math.floor(h));
}

const random = (seed: number) => () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};

describe('percentiles', () => {
  it("match numpy's linear interpolation on random data, ties and tiny inputs", () => {
    const rand = random(7);
    for (const n of [1, 2, 5, 1000, 4097]) {
      const values = Array.from({ length: n }, () => Math.round(rand() * 50) / 3);
      const got = percentiles(Float32Array.from(values), [0, 1, 37.5, 99.8, 100]);
      for (const [i, q] of [0, 1, 37.5, 99.8, 100].entries()) {
        expect(got[i]).toBeCloseTo(numpyPercentile(Array.from(Float32Array.from(values)), q), 5);
      }
    }
  });
});

describe('percentile normalisation', () => {
  it('maps each channel by its own 1st and 99.8th percentiles', () => {
    const rand = random(3);
    const n = 500;
    const data = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) {
      data[i * 3] = rand() * 10;
      data[i * 3 + 1] = 1000 + rand() * 50000;
      data[i * 3 + 2] = -rand();
    }
    const original = Float32Array.from(data);
    applyNormalization(data, 3, PERCENTILE);
    for (let c = 0; c < 3; c++) {
      const channel = Array.from({ length: n }, (_, i) => original[i * 3 + c]);
      const lo = numpyPercentile(channel, 1);
      const hi = numpyPercentile(channel, 99.8);
      for (let i = 0; i < n; i += 37) {
        expect(data[i * 3 + c]).toBeCloseTo((original[i * 3 + c] - lo) / (hi - lo + 1e-6), 4);
      }
    }
  });

  it('gives an 8-bit image and the same image in 16 bits (x257) the same network input', () => {
    const rand = random(11);
    const w = 17;
    const h = 9;
    const gray8 = Uint8Array.from({ length: w * h * 3 }, () => Math.floor(rand() * 256));
    const img8: RasterImage = { width: w, height: h, channels: 3, bitDepth: 8, data: gray8 };
    const img16: RasterImage = { ...img8, bitDepth: 16, data: Uint16Array.from(gray8, (v) => v * 257) };
    const a = modelInput(img8, 3, PERCENTILE, 'a');
    const b = modelInput(img16, 3, PERCENTILE, 'b');
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 5);
    // A bright background and dim objects: the range still spans about 0..1.
    const sorted = Array.from(a).sort((x, y) => x - y);
    expect(sorted[0]).toBeLessThanOrEqual(0);
    expect(sorted.at(-1)).toBeGreaterThanOrEqual(0.99);
  });

  it('still applies the older global mean/std form (no kind) as before', () => {
    const img: RasterImage = {
      width: 2,
      height: 1,
      channels: 1,
      bitDepth: 8,
      data: Uint8Array.from([51, 204]),
    };
    const x = modelInput(img, 1, { scale: 255, mean: [0.5], std: [0.25] }, 'old');
    expect(Array.from(x)).toEqual([(0.2 - 0.5) / 0.25, (0.8 - 0.5) / 0.25].map((v) => Math.fround(v)));
  });
});
