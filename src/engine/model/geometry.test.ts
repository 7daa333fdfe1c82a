import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import {
  assertLegalInputSize,
  legalInputSizes,
  nearestLegalInputSize,
  unetLayerSpecs,
  unetOutputSize,
} from './geometry';
import { PAPER_UNET } from './types';

/** Brute force from the paper's rules, written independently of geometry.ts. */
function bruteOutput(size: number, depth: number): number | null {
  const sizes = [size];
  let s = size;
  for (let i = 0; i < depth; i++) {
    s = s - 2 - 2;
    if (s <= 0 || s % 2 === 1) return null;
    s = s / 2;
    sizes.push(s);
  }
  s = s - 2 - 2;
  if (s <= 0) return null;
  for (let i = 0; i < depth; i++) {
    s = 2 * s - 2 - 2;
    if (s <= 0) return null;
  }
  return s;
}

describe('U-Net geometry', () => {
  it('gives the paper figures: 572 -> 388 at depth 4, 571 illegal', () => {
    expect(unetOutputSize(572, 4)).toBe(388);
    expect(unetOutputSize(571, 4)).toBeNull();
    expect(unetOutputSize(252, 4)).toBe(68);
  });

  it('lists the legal depth-2 sizes (hand-computed: 44 + 4k, output = input - 40)', () => {
    expect(legalInputSizes(2, 30, 64)).toEqual([44, 48, 52, 56, 60, 64]);
    expect(legalInputSizes(2, 30, 64).map((s) => unetOutputSize(s, 2))).toEqual([4, 8, 12, 16, 20, 24]);
  });

  it('matches a brute force for depths 0..5 and sizes 1..700', () => {
    for (let depth = 0; depth <= 5; depth++) {
      for (let size = 1; size <= 700; size++) {
        expect(unetOutputSize(size, depth)).toBe(bruteOutput(size, depth));
      }
    }
  });

  it('finds the nearest legal size up, down and nearest', () => {
    for (const depth of [1, 2, 3, 4]) {
      const legal = legalInputSizes(depth, 1, 900);
      for (let size = 1; size <= 800; size += 7) {
        const up = legal.find((s) => s >= size)!;
        const down = [...legal].reverse().find((s) => s <= size) ?? legal[0]!;
        expect(nearestLegalInputSize(depth, size, 'up')).toBe(up);
        expect(nearestLegalInputSize(depth, size, 'down')).toBe(down);
        const nearest = nearestLegalInputSize(depth, size);
        expect(Math.abs(nearest - size)).toBe(Math.min(Math.abs(up - size), Math.abs(down - size)));
      }
    }
    expect(nearestLegalInputSize(4, 571)).toBe(572);
    expect(nearestLegalInputSize(4, 500, 'down')).toBe(492);
  });

  it('rejects illegal sizes with AppError naming the neighbours', () => {
    expect(() => assertLegalInputSize(571, 4)).toThrow(AppError);
    expect(() => assertLegalInputSize(571, 4)).toThrow(/556 or 572/);
  });

  it('pins the paper parameter count from the layer shapes (31,030,658)', () => {
    // By hand: 3x3 convs have 9*in*out + out, up-convs 4*in*out + out, the head in*classes + classes.
    const c3 = (i: number, o: number) => 9 * i * o + o;
    const up = (i: number, o: number) => 4 * i * o + o;
    const byHand =
      c3(1, 64) +
      c3(64, 64) +
      c3(64, 128) +
      c3(128, 128) +
      c3(128, 256) +
      c3(256, 256) +
      c3(256, 512) +
      c3(512, 512) +
      c3(512, 1024) +
      c3(1024, 1024) +
      up(1024, 512) +
      c3(1024, 512) +
      c3(512, 512) +
      up(512, 256) +
      c3(512, 256) +
      c3(256, 256) +
      up(256, 128) +
      c3(256, 128) +
      c3(128, 128) +
      up(128, 64) +
      c3(128, 64) +
      c3(64, 64) +
      (64 * 2 + 2);
    expect(byHand).toBe(31_030_658);
    const specs = unetLayerSpecs(PAPER_UNET);
    const fromSpecs = specs.reduce(
      (sum, s) => sum + s.kernelShape.reduce((a, b) => a * b, 1) + s.outChannels,
      0,
    );
    expect(fromSpecs).toBe(byHand);
    expect(specs.filter((s) => s.kind !== 'upconv')).toHaveLength(19); // + 4 up-convs = paper's 23 layers
  });
});
