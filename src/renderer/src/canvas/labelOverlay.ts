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

/**
 * Opaque outline colour per instance id (index = id): hues spaced by the golden angle so
 * touching objects differ, saturated so the outline shows on bright and dark images alike.
 */
export function outlinePalette(): Uint32Array {
  const table = new Uint32Array(65536);
  for (let id = 1; id < table.length; id++) {
    const h = ((id * 137.508) % 360) / 60;
    const x = 1 - Math.abs((h % 2) - 1);
    const [r, g, b] =
      h < 1
        ? [1, x, 0]
        : h < 2
          ? [x, 1, 0]
          : h < 3
            ? [0, 1, x]
            : h < 4
              ? [0, x, 1]
              : h < 5
                ? [x, 0, 1]
                : [1, 0, x];
    // Lightness ~0.6: mix 20% white into the pure hue.
    table[id] = packRgba(Math.round(51 + 204 * r), Math.round(51 + 204 * g), Math.round(51 + 204 * b));
  }
  return table;
}

/**
 * Repaints the label overlay inside `rect` grown by one pixel (outlines depend on neighbours):
 * unlabelled pixels transparent, others their class colour with alpha `fillAlpha` (0..255, the
 * label opacity), and pixels of an object (instance id != 0) that touch a different instance id
 * (4-neighbours inside the image) opaque in the object's outline colour. `out` holds
 * width * height packed RGBA words (non-premultiplied, as ImageData). Returns the repainted rect.
 */
export function renderLabels(
  classes: Uint8Array,
  instances: Uint16Array,
  width: number,
  height: number,
  rect: Rect,
  colors: { palette: Uint32Array; outlines: Uint32Array; fillAlpha: number },
  out: Uint32Array,
): Rect {
  const { palette, outlines } = colors;
  const alpha = (Math.max(0, Math.min(255, Math.round(colors.fillAlpha))) << 24) >>> 0;
  const x0 = Math.max(0, rect.x - 1);
  const y0 = Math.max(0, rect.y - 1);
  const x1 = Math.min(width - 1, rect.x + rect.w);
  const y1 = Math.min(height - 1, rect.y + rect.h);
  for (let y = y0; y <= y1; y++) {
    const row = y * width;
    for (let x = x0; x <= x1; x++) {
      const i = row + x;
      const id = instances[i];
      const c = classes[i];
      let color = c === 0 ? 0 : ((palette[c] & 0x00ffffff) | alpha) >>> 0;
      if (
        id !== 0 &&
        ((x > 0 && instances[i - 1] !== id) ||
          (x < width - 1 && instances[i + 1] !== id) ||
          (y > 0 && instances[i - width] !== id) ||
          (y < height - 1 && instances[i + width] !== id))
      ) {
        color = outlines[id];
      }
      out[i] = color;
    }
  }
  return { x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1 };
}
