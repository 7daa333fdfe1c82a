/**
 * The view transform of the canvas: screen = image * scale + offset (CSS px). Pure functions so
 * zoom/pan math is tested without a canvas.
 */
export interface Viewport {
  scale: number;
  x: number;
  y: number;
}

export const MIN_SCALE = 1 / 64;
export const MAX_SCALE = 64;

/** Image coordinates (px, float) of a screen point. */
export function toImage(vp: Viewport, sx: number, sy: number): { x: number; y: number } {
  return { x: (sx - vp.x) / vp.scale, y: (sy - vp.y) / vp.scale };
}

/** Zooms by `factor` keeping the image point under screen point (sx, sy) fixed. */
export function zoomAt(vp: Viewport, factor: number, sx: number, sy: number): Viewport {
  const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, vp.scale * factor));
  const p = toImage(vp, sx, sy);
  return { scale, x: sx - p.x * scale, y: sy - p.y * scale };
}

/** Whole image visible and centred in a view of viewW x viewH, with `margin` px around. */
export function fitView(imageW: number, imageH: number, viewW: number, viewH: number, margin = 16): Viewport {
  const scale = Math.min((viewW - 2 * margin) / imageW, (viewH - 2 * margin) / imageH, MAX_SCALE);
  return centred(imageW, imageH, viewW, viewH, Math.max(MIN_SCALE, scale));
}

/** The image at the given scale, centred, with the offset rounded to whole screen pixels. */
export function centred(
  imageW: number,
  imageH: number,
  viewW: number,
  viewH: number,
  scale: number,
): Viewport {
  return {
    scale,
    x: Math.round((viewW - imageW * scale) / 2),
    y: Math.round((viewH - imageH * scale) / 2),
  };
}

/** Zoom factor of one wheel event: smooth (exponential in deltaY, pixels). */
export function wheelFactor(deltaY: number): number {
  return Math.exp(-deltaY * 0.0015);
}
