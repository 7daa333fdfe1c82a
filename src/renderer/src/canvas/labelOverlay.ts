import type { Rect } from '../annotation/UndoHistory';
import { packRgba } from './imageRender';

/** A class as shown: id (1..255), display colour as #rrggbb. */
export interface ClassStyle {
  id: number;
  color: string;
}

/** Packed opaque RGBA per class id (index = class id); class 0 (unlabelled) is transparent. */
export function classPalette(classes: readonly ClassStyle[]): Uint32Array {
  const palette = new Uint32Array(256);
  for (const c of classes) {
    const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(c.color);
    if (!m || c.id <= 0 || c.id > 255) continue;
    palette[c.id] = packRgba(parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16));
  }
  return palette;
}

/** Outline colour of objects: opaque white. */
export const OUTLINE = packRgba(255, 255, 255);

/**
 * Repaints the label overlay inside `rect` grown by one pixel (outlines depend on neighbours):
 * unlabelled pixels transparent, others their class colour, and pixels of an object (instance
 * id != 0) that touch a different instance id (4-neighbours inside the image) in OUTLINE.
 * `out` holds width * height packed RGBA words. Returns the repainted rect.
 */
export function renderLabels(
  classes: Uint8Array,
  instances: Uint16Array,
  width: number,
  height: number,
  rect: Rect,
  palette: Uint32Array,
  out: Uint32Array,
): Rect {
  const x0 = Math.max(0, rect.x - 1);
  const y0 = Math.max(0, rect.y - 1);
  const x1 = Math.min(width - 1, rect.x + rect.w);
  const y1 = Math.min(height - 1, rect.y + rect.h);
  for (let y = y0; y <= y1; y++) {
    const row = y * width;
    for (let x = x0; x <= x1; x++) {
      const i = row + x;
      const id = instances[i];
      let color = palette[classes[i]];
      if (
        id !== 0 &&
        ((x > 0 && instances[i - 1] !== id) ||
          (x < width - 1 && instances[i + 1] !== id) ||
          (y > 0 && instances[i - width] !== id) ||
          (y < height - 1 && instances[i + width] !== id))
      ) {
        color = OUTLINE;
      }
      out[i] = color;
    }
  }
  return { x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1 };
}
