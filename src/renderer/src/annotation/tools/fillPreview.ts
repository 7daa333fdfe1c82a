import { type FillRegion, MAX_FILL_FRACTION } from './fillRegion';

/** What the Fill panel says about the region under the pointer. */
export interface FillPreviewInfo {
  /** Pixels a click fills. */
  area: number;
  /** Share of the image (of the fill window on a slide), as the Shift rule counts it. */
  fraction: number;
  /** A plain click refuses it: Shift-click fills it anyway. */
  needsShift: boolean;
  /** The fill window is smaller than the image (a slide): `fraction` is of the window. */
  windowed: boolean;
  /** The preview stopped counting: the region holds more than `area` pixels. */
  truncated: boolean;
  /** Every pixel already holds what a click would paint: the click changes nothing. */
  unchanged: boolean;
}

/** The panel's figures for a region; `unchanged`: a click would leave every pixel as it is. */
export function fillPreviewInfo(
  region: FillRegion,
  imageWidth: number,
  imageHeight: number,
  unchanged = false,
): FillPreviewInfo {
  const { area, fraction, window } = region;
  return {
    unchanged,
    area,
    fraction,
    needsShift: fraction > MAX_FILL_FRACTION,
    windowed: window.w < imageWidth || window.h < imageHeight,
    truncated: region.truncated,
  };
}

/** Longest side of the preview bitmap; larger regions are drawn at a coarser step. */
export const PREVIEW_MAX_SIDE = 1024;

/**
 * The region as a coverage mask over its bounds, one cell per `step` x `step` image pixels (a
 * cell is set when any of its pixels is in the region): `step` is 1 unless the region is wider
 * than PREVIEW_MAX_SIDE, so a slide-sized preview stays a small bitmap.
 */
export function regionMask(region: FillRegion): { mask: Uint8Array; w: number; h: number; step: number } {
  const { bounds } = region;
  const step = Math.max(1, Math.ceil(Math.max(bounds.w, bounds.h) / PREVIEW_MAX_SIDE));
  const w = Math.ceil(bounds.w / step);
  const h = Math.ceil(bounds.h / step);
  const mask = new Uint8Array(w * h);
  for (const span of region.spans) {
    const row = Math.floor((span.y - bounds.y) / step) * w;
    const c0 = Math.floor((span.x0 - bounds.x) / step);
    const c1 = Math.floor((span.x1 - bounds.x) / step);
    mask.fill(1, row + c0, row + c1 + 1);
  }
  return { mask, w, h, step };
}

/**
 * The overlay of a region: translucent class colour (`rgb` 0-255) inside, a light rim on its
 * edge cells, so the preview reads as "would fill" and not as a label already painted. A canvas
 * to draw at `bounds` scaled by `step`; null for an empty or truncated region.
 */
export function regionOverlay(
  region: FillRegion,
  rgb: [number, number, number],
): { canvas: HTMLCanvasElement; step: number } | null {
  // A truncated preview is a part of the region: drawing it would show the wrong shape.
  if (region.area === 0 || region.truncated) return null;
  const { mask, w, h, step } = regionMask(region);
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  const g = canvas.getContext('2d');
  if (!g) return null;
  const img = g.createImageData(w, h);
  const px = new Uint32Array(img.data.buffer);
  // Little-endian RGBA: alpha in the top byte.
  const inside = ((100 << 24) | (rgb[2] << 16) | (rgb[1] << 8) | rgb[0]) >>> 0;
  const rim = 0xb4ffffff;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (!mask[i]) continue;
      const edge =
        x === 0 ||
        y === 0 ||
        x === w - 1 ||
        y === h - 1 ||
        !mask[i - 1] ||
        !mask[i + 1] ||
        !mask[i - w] ||
        !mask[i + w];
      px[i] = edge ? rim : inside;
    }
  }
  g.putImageData(img, 0, 0);
  return { canvas, step };
}
