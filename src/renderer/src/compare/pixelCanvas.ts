import type { ImagePixels } from '../../../shared/api';
import { buildLut, renderImage } from '../canvas/imageRender';
import { toDisplayable } from '../store/ImageSession';

/** An offscreen canvas of `width` x `height` filled by `paint` with packed RGBA words. */
export function rgbaCanvas(
  width: number,
  height: number,
  paint: (words: Uint32Array) => void,
): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('2D canvas unavailable');
  const data = ctx.createImageData(width, height);
  paint(new Uint32Array(data.data.buffer));
  ctx.putImageData(data, 0, 0);
  return canvas;
}

/** The image in gray with the auto window (0.5 / 99.5 percentiles) as an offscreen canvas. */
export function imageCanvas(pixels: ImagePixels): HTMLCanvasElement {
  const raw = toDisplayable(pixels);
  const { low, high } = pixels.stats;
  const [min, max] = pixels.bitDepth === 32 ? [0, 65535] : [low, Math.max(high, low + 1)];
  const lut = buildLut(raw.bitDepth, min, max, 'gray');
  return rgbaCanvas(raw.width, raw.height, (words) => renderImage(raw, lut, words));
}
