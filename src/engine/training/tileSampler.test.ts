import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { chooseOutputWindow, cropCentre, cutTile, LabelledCounter, type TrainingSample } from './tileSampler';

/** Reflection by walking: step one pixel at a time, bouncing off the edges. */
function walkMirror(i: number, n: number): number {
  if (n === 1) return 0;
  let pos = 0;
  let dir = i >= 0 ? 1 : -1;
  for (let k = 0; k < Math.abs(i); k++) {
    if (pos + dir < 0 || pos + dir >= n) dir = -dir;
    pos += dir;
  }
  return pos;
}

function sampleOf(
  width: number,
  height: number,
  channels: number,
  labelled: (x: number, y: number) => boolean,
): TrainingSample {
  const image = new Float32Array(width * height * channels);
  for (let i = 0; i < image.length; i++) image[i] = i; // unique value per sample
  const targets = new Uint8Array(width * height);
  const weights = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      targets[y * width + x] = (x + y) % 2;
      weights[y * width + x] = labelled(x, y) ? 1 + x : 0;
    }
  }
  return { name: 's', width, height, channels, image, targets, weights };
}

describe('tile sampler', () => {
  it('LabelledCounter counts rectangles like a brute-force loop', () => {
    const rng = seedrandom('count');
    const w = 13;
    const h = 9;
    const weights = Float32Array.from({ length: w * h }, () => (rng() < 0.3 ? rng() : 0));
    const counter = new LabelledCounter(w, h, weights);
    for (let k = 0; k < 200; k++) {
      const x0 = Math.floor(rng() * 20) - 4;
      const y0 = Math.floor(rng() * 15) - 4;
      const x1 = x0 + Math.floor(rng() * 12);
      const y1 = y0 + Math.floor(rng() * 12);
      let brute = 0;
      for (let y = Math.max(0, y0); y < Math.min(h, y1); y++) {
        for (let x = Math.max(0, x0); x < Math.min(w, x1); x++) if (weights[y * w + x] > 0) brute++;
      }
      expect(counter.count(x0, y0, x1, y1)).toBe(brute);
    }
  });

  it('output windows stay in range and always hold a labelled pixel, even a single one', () => {
    const rng = seedrandom('windows');
    const source = { next: () => rng() };
    const single = sampleOf(40, 30, 1, (x, y) => x === 33 && y === 4);
    const counter = new LabelledCounter(40, 30, single.weights);
    for (let k = 0; k < 200; k++) {
      const { x, y } = chooseOutputWindow(counter, 12, source);
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(28);
      expect(y).toBeGreaterThanOrEqual(0);
      expect(y).toBeLessThanOrEqual(18);
      expect(33 >= x && 33 < x + 12 && 4 >= y && 4 < y + 12).toBe(true);
    }
    // An image smaller than the output window: the window covers the whole image.
    const small = sampleOf(5, 7, 1, () => true);
    const smallCounter = new LabelledCounter(5, 7, small.weights);
    for (let k = 0; k < 50; k++) {
      const { x, y } = chooseOutputWindow(smallCounter, 12, source);
      expect(x).toBeGreaterThanOrEqual(-7);
      expect(x).toBeLessThanOrEqual(0);
      expect(y).toBeGreaterThanOrEqual(-5);
      expect(y).toBeLessThanOrEqual(0);
    }
  });

  it('cutTile mirrors pixels and leaves targets/weights outside the image unlabelled', () => {
    const s = sampleOf(5, 4, 2, () => true);
    const tile = cutTile(s, -1, 2, 10, 4); // border 3: tile starts at (-4, -1)
    for (let ty = 0; ty < 10; ty++) {
      for (let tx = 0; tx < 10; tx++) {
        const ix = -4 + tx;
        const iy = -1 + ty;
        const sx = walkMirror(ix, 5);
        const sy = walkMirror(iy, 4);
        for (let c = 0; c < 2; c++) {
          expect(tile.image[(ty * 10 + tx) * 2 + c]).toBe((sy * 5 + sx) * 2 + c);
        }
        const inside = ix >= 0 && ix < 5 && iy >= 0 && iy < 4;
        expect(tile.weights[ty * 10 + tx]).toBe(inside ? 1 + ix : 0);
        expect(tile.targets[ty * 10 + tx]).toBe(inside ? (ix + iy) % 2 : 0);
      }
    }
  });

  it('cropCentre takes the middle window', () => {
    const map = Float32Array.from({ length: 36 }, (_, i) => i);
    expect(Array.from(cropCentre(map, 6, 2))).toEqual([14, 15, 20, 21]);
    const labels = Uint8Array.from({ length: 16 }, (_, i) => i);
    const crop = cropCentre(labels, 4, 2);
    expect(crop).toBeInstanceOf(Uint8Array);
    expect(Array.from(crop)).toEqual([5, 6, 9, 10]);
  });
});
