import { encode } from 'fast-png';
import type { PixelArray } from '../../shared/imageData';
import type { IntensityStats } from '../../shared/schemas';

/** Longest side of a thumbnail, pixels. */
export const THUMBNAIL_SIZE = 128;

/**
 * A PNG preview: box-averaged down to THUMBNAIL_SIZE on the longest side (never enlarged),
 * contrast stretched from `stats.low`..`stats.high` to 0..255; gray for one channel, RGB for
 * three or four (alpha dropped).
 */
export function thumbnailPng(
  image: { width: number; height: number; channels: number; data: PixelArray },
  stats: IntensityStats,
): Uint8Array {
  const { width, height, channels, data } = image;
  const scale = Math.min(1, THUMBNAIL_SIZE / Math.max(width, height));
  const outW = Math.max(1, Math.round(width * scale));
  const outH = Math.max(1, Math.round(height * scale));
  const outChannels = channels === 1 ? 1 : 3;
  const out = new Uint8Array(outW * outH * outChannels);
  const range = stats.high > stats.low ? stats.high - stats.low : 1;
  for (let oy = 0; oy < outH; oy++) {
    const y0 = Math.floor((oy * height) / outH);
    const y1 = Math.max(y0 + 1, Math.floor(((oy + 1) * height) / outH));
    for (let ox = 0; ox < outW; ox++) {
      const x0 = Math.floor((ox * width) / outW);
      const x1 = Math.max(x0 + 1, Math.floor(((ox + 1) * width) / outW));
      for (let c = 0; c < outChannels; c++) {
        let sum = 0;
        for (let y = y0; y < y1; y++) {
          for (let x = x0; x < x1; x++) sum += data[(y * width + x) * channels + c];
        }
        const mean = sum / ((y1 - y0) * (x1 - x0));
        const v = ((mean - stats.low) / range) * 255;
        out[(oy * outW + ox) * outChannels + c] = Number.isFinite(v)
          ? Math.max(0, Math.min(255, Math.round(v)))
          : 0;
      }
    }
  }
  return encode({ width: outW, height: outH, data: out, depth: 8, channels: outChannels });
}
