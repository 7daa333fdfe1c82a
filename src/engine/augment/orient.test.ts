import { describe, expect, it } from 'vitest';
import { applyOrientation, orientationIndex } from './orient';

const grid = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
const orient = (
  src: Float32Array,
  w: number,
  h: number,
  flipX: boolean,
  flipY: boolean,
  quarterTurns: number,
) => Array.from(applyOrientation(src, orientationIndex(w, h, { flipX, flipY, quarterTurns }), 1));

describe('orientationIndex', () => {
  it('turns clockwise and flips like the hand-written matrices', () => {
    expect(orient(grid, 3, 3, false, false, 1)).toEqual([7, 4, 1, 8, 5, 2, 9, 6, 3]);
    expect(orient(grid, 3, 3, false, false, 2)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(orient(grid, 3, 3, true, false, 0)).toEqual([3, 2, 1, 6, 5, 4, 9, 8, 7]);
    expect(orient(grid, 3, 3, false, true, 0)).toEqual([7, 8, 9, 4, 5, 6, 1, 2, 3]);
    // Flip first, then turn: flipX gives [3 2 1; 6 5 4; 9 8 7], turned clockwise:
    expect(orient(grid, 3, 3, true, false, 1)).toEqual([9, 6, 3, 8, 5, 2, 7, 4, 1]);
  });

  it('flipping twice and turning four times give the identity; channels move together', () => {
    const rgb = Float32Array.from({ length: 4 * 3 * 3 }, (_, i) => i);
    const flip = orientationIndex(4, 3, { flipX: true, flipY: true, quarterTurns: 0 });
    expect(applyOrientation(applyOrientation(rgb, flip, 3), flip, 3)).toEqual(rgb);
    const once = applyOrientation(rgb, flip, 3);
    expect(Array.from(once.slice(0, 3))).toEqual([33, 34, 35]);
    const turn = orientationIndex(3, 3, { flipX: false, flipY: false, quarterTurns: 1 });
    let x = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (let t = 0; t < 4; t++) x = applyOrientation(x, turn, 1);
    expect(Array.from(x)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('refuses a quarter turn that would change the size', () => {
    expect(() => orientationIndex(4, 3, { flipX: false, flipY: false, quarterTurns: 1 })).toThrow(/square/);
  });
});
