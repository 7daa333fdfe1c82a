import type { RasterImage } from './rasterImage';

/** ITU-R BT.601 luma weights, as most imaging tools use for RGB -> gray. */
const WEIGHTS = [0.299, 0.587, 0.114] as const;

/**
 * One-channel version of an image with the same bit depth: luma Y = 0.299 R + 0.587 G +
 * 0.114 B (BT.601), rounded for integer depths; alpha is dropped. A gray image is returned
 * as is (same object, not a copy).
 */
export function toGrayscale(img: RasterImage): RasterImage {
  if (img.channels === 1) return img;
  const { width, height, channels, data } = img;
  const n = width * height;
  const out =
    data instanceof Uint8Array
      ? new Uint8Array(n)
      : data instanceof Uint16Array
        ? new Uint16Array(n)
        : new Float32Array(n);
  const round = !(data instanceof Float32Array);
  for (let i = 0; i < n; i++) {
    const o = i * channels;
    const y = WEIGHTS[0] * data[o] + WEIGHTS[1] * data[o + 1] + WEIGHTS[2] * data[o + 2];
    out[i] = round ? Math.round(y) : y;
  }
  return { width, height, channels: 1, bitDepth: img.bitDepth, data: out };
}
