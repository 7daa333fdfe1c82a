import type { PyramidLevel } from '../../../shared/api';
import type { Viewport } from './viewport';

/** The level whose pixels are closest to, but not smaller than, one screen pixel at `scale`. */
export function levelForScale(levels: readonly PyramidLevel[], scale: number): number {
  const full = levels[0].width;
  let best = 0;
  for (let l = 1; l < levels.length; l++) {
    // Screen pixels per level-l pixel: scale * (full / level width).
    if (scale * (full / levels[l].width) <= 1.0001) best = l;
  }
  return best;
}

/** Tiles of `level` that the view (size w x h, CSS px) shows, as [tx, ty] ranges (inclusive). */
export function visibleTiles(
  levels: readonly PyramidLevel[],
  level: number,
  tileSize: number,
  vp: Viewport,
  w: number,
  h: number,
): { tx0: number; ty0: number; tx1: number; ty1: number } {
  const { width, height } = levels[level];
  const fx = levels[0].width / width;
  const fy = levels[0].height / height;
  // The view in full-resolution pixels, then in level pixels.
  const x0 = Math.max(0, -vp.x / vp.scale / fx);
  const y0 = Math.max(0, -vp.y / vp.scale / fy);
  const x1 = Math.min(width, (w - vp.x) / vp.scale / fx);
  const y1 = Math.min(height, (h - vp.y) / vp.scale / fy);
  return {
    tx0: Math.floor(x0 / tileSize),
    ty0: Math.floor(y0 / tileSize),
    tx1: Math.ceil(x1 / tileSize) - 1,
    ty1: Math.ceil(y1 / tileSize) - 1,
  };
}
