import { describe, expect, it } from 'vitest';
import { levelForScale, visibleTiles } from './tileGrid';

const levels = [
  { width: 40_000, height: 30_000 },
  { width: 20_000, height: 15_000 },
  { width: 10_000, height: 7_500 },
  { width: 5_000, height: 3_750 },
];

describe('tile grid', () => {
  it('picks the coarsest level whose pixels are still at least one screen pixel', () => {
    expect(levelForScale(levels, 2)).toBe(0);
    expect(levelForScale(levels, 1)).toBe(0);
    expect(levelForScale(levels, 0.6)).toBe(0); // a level-1 pixel would span 1.2 screen px: blurry
    expect(levelForScale(levels, 0.5)).toBe(1);
    expect(levelForScale(levels, 0.3)).toBe(1);
    expect(levelForScale(levels, 0.25)).toBe(2);
    expect(levelForScale(levels, 0.01)).toBe(3); // the last level, however small the scale
  });

  it('lists only the tiles a view shows, clipped to the level', () => {
    // 1000x800 view at scale 1 with the image's (20000, 10000) at the top-left corner.
    const vp = { scale: 1, x: -20_000, y: -10_000 };
    // x 20000..21000 -> tiles 39..41 (21000 lies in 20992..21503), y 10000..10800 -> 19..21.
    expect(visibleTiles(levels, 0, 512, vp, 1000, 800)).toEqual({ tx0: 39, ty0: 19, tx1: 41, ty1: 21 });
    // Same view at level 1 (a coarser fallback): half the pixel coordinates.
    expect(visibleTiles(levels, 1, 512, vp, 1000, 800)).toEqual({ tx0: 19, ty0: 9, tx1: 20, ty1: 10 });
    // The whole image fitted: every tile of level 3 (5000 / 512 -> 10 columns, 3750 / 512 -> 8 rows).
    const fit = { scale: 0.02, x: 100, y: 50 };
    expect(visibleTiles(levels, 3, 512, fit, 1000, 800)).toEqual({ tx0: 0, ty0: 0, tx1: 9, ty1: 7 });
  });
});
