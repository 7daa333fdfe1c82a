import { describe, expect, it } from 'vitest';
import { elasticField } from './elasticField';
import { mirrorIndex, warpSample } from './warpSample';

function ramp(width: number, height: number) {
  const image = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) image[y * width + x] = 3 * x + 2 * y;
  return image;
}

describe('elasticField', () => {
  it('equals the grid vectors at the grid nodes and is constant for a constant grid', () => {
    const gx = [1, -2, 3, 4, 5, -6, 7, 8, 9];
    const gy = gx.map((v) => -v);
    const f = elasticField(21, 11, 3, gx, gy);
    // Nodes at x = 0, 10, 20 and y = 0, 5, 10.
    for (let j = 0; j < 3; j++) {
      for (let i = 0; i < 3; i++) {
        const p = j * 5 * 21 + i * 10;
        expect(f.dx[p]).toBeCloseTo(gx[j * 3 + i], 5);
        expect(f.dy[p]).toBeCloseTo(-gx[j * 3 + i], 5);
      }
    }
    const c = elasticField(17, 9, 3, new Array(9).fill(2.5), new Array(9).fill(-1));
    for (const v of c.dx) expect(v).toBeCloseTo(2.5, 5);
    for (const v of c.dy) expect(v).toBeCloseTo(-1, 5);
  });
});

describe('warpSample', () => {
  it('mirrors indices without repeating the edge', () => {
    expect([-2, -1, 0, 4, 5, 6, 9].map((i) => mirrorIndex(i, 5))).toEqual([2, 1, 0, 4, 3, 2, 1]);
    expect(mirrorIndex(-7, 1)).toBe(0);
  });

  it('shifts by whole pixels exactly, with mirrored borders', () => {
    const width = 6;
    const height = 5;
    const image = ramp(width, height);
    const targets = Uint8Array.from(image, (v) => v % 7);
    const weights = Float32Array.from(image, (v) => v / 10);
    const sx = new Float32Array(width * height);
    const sy = new Float32Array(width * height);
    for (let p = 0; p < width * height; p++) {
      sx[p] = (p % width) + 2;
      sy[p] = Math.floor(p / width) - 1;
    }
    const out = warpSample({ width, height, channels: 1, image, targets, weights }, sx, sy);
    // Independent mirror for small overshoots: -1 -> 1, n -> n - 2.
    const reflect = (i: number, n: number) => (i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const src = reflect(y - 1, height) * width + reflect(x + 2, width);
        expect(out.image[y * width + x]).toBeCloseTo(image[src], 4);
        expect(out.targets[y * width + x]).toBe(targets[src]);
        expect(out.weights[y * width + x]).toBe(weights[src]);
      }
    }
  });

  it('reproduces a linear ramp at fractional positions (cubic convolution is exact on lines)', () => {
    const width = 12;
    const height = 10;
    const image = ramp(width, height);
    const n = width * height;
    const sx = new Float32Array(n);
    const sy = new Float32Array(n);
    for (let p = 0; p < n; p++) {
      sx[p] = (p % width) + 0.5;
      sy[p] = Math.floor(p / width) + 0.25;
    }
    const out = warpSample(
      { width, height, channels: 1, image, targets: new Uint8Array(n), weights: new Float32Array(n) },
      sx,
      sy,
    );
    for (let y = 1; y < height - 3; y++) {
      for (let x = 1; x < width - 3; x++)
        expect(out.image[y * width + x]).toBeCloseTo(3 * (x + 0.5) + 2 * (y + 0.25), 4);
    }
  });
});
