import { describe, expect, it } from 'vitest';
import { createRng } from '../augment/index';
import { connectedComponents } from './connectedComponents';
import { StreamingComponents } from './StreamingComponents';

/** A class map of random blobs (values 0..classes-1), with snakes that wind across many rows. */
function randomMask(width: number, height: number, classes: number, seed: number): Uint8Array {
  const random = createRng(seed);
  const rng = () => random.next();
  const mask = new Uint8Array(width * height);
  for (let k = 0; k < (width * height) / 40; k++) {
    const cx = Math.floor(rng() * width);
    const cy = Math.floor(rng() * height);
    const r = 1 + Math.floor(rng() * 4);
    const value = 1 + Math.floor(rng() * (classes - 1));
    for (let y = Math.max(0, cy - r); y < Math.min(height, cy + r); y++)
      for (let x = Math.max(0, cx - r); x < Math.min(width, cx + r); x++) mask[y * width + x] = value;
  }
  // A U shape: its two arms only meet at the bottom, so a streaming pass must merge late.
  for (let y = 2; y < height - 2; y++) {
    mask[y * width + 3] = 1;
    mask[y * width + width - 4] = 1;
  }
  for (let x = 3; x < width - 3; x++) mask[(height - 3) * width + x] = 1;
  return mask;
}

describe('StreamingComponents', () => {
  it('labels bands fed in any split exactly as the whole-image flood fill, with exact stats', () => {
    for (const [width, height, classes, seed] of [
      [37, 29, 2, 1],
      [64, 80, 4, 2],
      [1, 17, 2, 3],
      [23, 1, 3, 4],
    ]) {
      const mask = randomMask(width, height, classes, seed);
      const reference = connectedComponents(mask, width, height, 4);
      const stream = new StreamingComponents(width);
      // Without labels the table is compacted (here after every few labels): same objects.
      const compacted = new StreamingComponents(width, { compactAt: 3 });
      const provisional = new Int32Array(width * height);
      const random = createRng(seed + 100);
      const rng = () => random.next();
      for (let y = 0; y < height; ) {
        const rows = Math.min(height - y, 1 + Math.floor(rng() * 7));
        stream.addRows(
          mask.subarray(y * width, (y + rows) * width),
          rows,
          provisional.subarray(y * width, (y + rows) * width),
        );
        compacted.addRows(mask.subarray(y * width, (y + rows) * width), rows);
        y += rows;
      }
      const { objects, idOf } = stream.finish();
      expect(objects.length).toBe(reference.count);
      expect(compacted.finish().objects).toEqual(objects);
      expect(Int32Array.from(provisional, idOf)).toEqual(reference.labels);
      // Brute-force stats from the reference labels.
      for (const object of objects) {
        let area = 0;
        let sx = 0;
        let sy = 0;
        let [x0, y0, x1, y1] = [width, height, -1, -1];
        for (let i = 0; i < width * height; i++) {
          if (reference.labels[i] !== object.id) continue;
          const x = i % width;
          const y = (i - x) / width;
          area++;
          sx += x;
          sy += y;
          [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
        }
        expect(object).toEqual({
          id: object.id,
          value: mask[reference.labels.indexOf(object.id)],
          area,
          centroidX: sx / area,
          centroidY: sy / area,
          x: x0,
          y: y0,
          width: x1 - x0 + 1,
          height: y1 - y0 + 1,
        });
      }
    }
  });

  it('refuses rows of the wrong length', () => {
    const stream = new StreamingComponents(5);
    expect(() => stream.addRows(new Uint8Array(9), 2)).toThrow(/9 values for 2 rows of 5/);
    expect(() => new StreamingComponents(0)).toThrow(/width 0/);
  });
});
