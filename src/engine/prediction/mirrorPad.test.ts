import { describe, expect, it } from 'vitest';
import { unetOutputSize } from '../model/index';
import { mirrorPad, reflectIndex } from './mirrorPad';
import { chooseTileSize, tileLayout } from './tileLayout';

/** Brute force: fold the position back into the image one reflection at a time. */
function bruteReflect(i: number, size: number): number {
  if (size === 1) return 0;
  let j = i;
  while (j < 0 || j >= size) {
    if (j < 0) j = -j;
    if (j >= size) j = 2 * (size - 1) - j;
  }
  return j;
}

describe('mirrorPad', () => {
  it('reflects without repeating the edge pixel (paper Fig. 2)', () => {
    // Row 0 1 2 3 padded by 3: 3 2 1 | 0 1 2 3 | 2 1 0
    const got = mirrorPad([0, 1, 2, 3], 4, 1, 1, { left: 3, top: 0, right: 3, bottom: 0 });
    expect(Array.from(got.data)).toEqual([3, 2, 1, 0, 1, 2, 3, 2, 1, 0]);
  });

  it('matches a brute-force index formula, also for pads larger than the image', () => {
    for (const size of [1, 2, 3, 7]) {
      for (let i = -40; i < 40; i++) expect(reflectIndex(i, size)).toBe(bruteReflect(i, size));
    }
    const width = 3;
    const height = 2;
    const channels = 2;
    const image = Float32Array.from({ length: width * height * channels }, (_, k) => k * 10 + 1);
    const pad = { left: 7, top: 5, right: 9, bottom: 4 };
    const got = mirrorPad(image, width, height, channels, pad);
    expect(got.width).toBe(19);
    expect(got.height).toBe(11);
    for (let y = 0; y < got.height; y++) {
      for (let x = 0; x < got.width; x++) {
        const sy = bruteReflect(y - pad.top, height);
        const sx = bruteReflect(x - pad.left, width);
        for (let c = 0; c < channels; c++) {
          expect(got.data[(y * got.width + x) * channels + c]).toBe(image[(sy * width + sx) * channels + c]);
        }
      }
    }
  });

  it('rejects a sample count that does not fit the size', () => {
    expect(() => mirrorPad([1, 2, 3], 2, 2, 1, { left: 1, top: 1, right: 1, bottom: 1 })).toThrow(
      /mirrorPad/,
    );
  });
});

describe('tileLayout', () => {
  it('tiles a 512x512 image with the paper net in 4 tiles of 572 -> 388, stride 384', () => {
    const layout = tileLayout(512, 512, 572, 388, 16);
    expect(layout.stride).toBe(384);
    expect(layout.origins).toEqual([
      { x: 0, y: 0 },
      { x: 384, y: 0 },
      { x: 0, y: 384 },
      { x: 384, y: 384 },
    ]);
    // Padded edge 384 + 572 = 956 = 512 + 92 + 352.
    expect(layout.padding).toEqual({ left: 92, top: 92, right: 352, bottom: 352 });
  });

  it('uses one tile for an image smaller than the output tile', () => {
    const layout = tileLayout(10, 3, 60, 20, 4);
    expect(layout.origins).toEqual([{ x: 0, y: 0 }]);
    expect(layout.padding).toEqual({ left: 20, top: 20, right: 30, bottom: 37 });
  });
});

describe('chooseTileSize', () => {
  it('covers a 512x512 image with one 700 tile of the paper net', () => {
    expect(chooseTileSize(512, 512, 4, 800)).toBe(700);
    // Capped at 572: four 444 tiles (out 260, stride 256; 4 x 444^2 = 788k px) beat four 572s.
    expect(chooseTileSize(512, 512, 4, 572)).toBe(444);
  });

  it('minimises tiles x area over every legal size (brute force over the cost)', () => {
    for (const [w, h] of [
      [37, 53],
      [300, 90],
      [1000, 1000],
    ] as const) {
      const got = chooseTileSize(w, h, 2, 400);
      const costOf = (s: number): number => {
        const out = s - 40; // depth 2: 44 -> 4
        const stride = Math.floor(out / 4) * 4;
        const n = (size: number): number => (size <= out ? 1 : 1 + Math.ceil((size - out) / stride));
        return n(w) * n(h) * s * s;
      };
      let best = 44;
      for (let s = 44; s <= 400; s += 4) if (costOf(s) < costOf(best)) best = s;
      expect(got).toBe(best);
    }
  });

  it('chooses for a 100000x100000 slide without laying out its smallest tiles', () => {
    // Laid out, the 28 px tiles alone (4 px out) would be 625 million tile origins.
    const before = process.memoryUsage().rss;
    const started = performance.now();
    const got = chooseTileSize(100_000, 100_000, 3, 1132);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 2 ** 20);
    // The same cost as counting by hand.
    const layout = tileLayout(100_000, 100_000, got, unetOutputSize(got, 3) as number, 8);
    expect(layout.tilesX * layout.tilesY).toBe(layout.origins.length);
    expect(got).toBeGreaterThan(1000);
  });
});
