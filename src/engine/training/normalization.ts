import { AppError } from '../../shared/errors';
import type { RasterImage } from '../image/rasterImage';
import type { Normalization } from '../model/types';

/** Full-scale value of a bit depth: 255, 65535, or 1 for float data. */
export function scaleOfBitDepth(bitDepth: 8 | 16 | 32): number {
  return bitDepth === 8 ? 255 : bitDepth === 16 ? 65535 : 1;
}

/**
 * Pixels of `img` as float32 HWC with `channels` channels: alpha dropped; RGB averaged to gray
 * when `channels` is 1 (ITU-R 601 luma would change contrast between stains; a plain mean keeps
 * every channel's signal). Values are raw (not yet scaled).
 */
export function pixelsWithChannels(img: RasterImage, channels: 1 | 3): Float32Array {
  const n = img.width * img.height;
  const out = new Float32Array(n * channels);
  const source = img.channels;
  for (let p = 0; p < n; p++) {
    if (channels === 1) {
      if (source === 1) out[p] = img.data[p];
      else out[p] = (img.data[p * source] + img.data[p * source + 1] + img.data[p * source + 2]) / 3;
    } else if (source === 1) {
      const v = img.data[p];
      out[p * 3] = v;
      out[p * 3 + 1] = v;
      out[p * 3 + 2] = v;
    } else {
      for (let c = 0; c < 3; c++) out[p * 3 + c] = img.data[p * source + c];
    }
  }
  return out;
}

/**
 * Normalisation over training images (UNET inputs): scale by the bit depth, then per-channel mean
 * and standard deviation over every pixel of every image. Two-pass in float64.
 */
export function computeNormalization(images: Float32Array[], channels: number, scale: number): Normalization {
  const sum = new Float64Array(channels);
  let count = 0;
  for (const data of images) {
    for (let i = 0; i < data.length; i++) sum[i % channels] += data[i] / scale;
    count += data.length / channels;
  }
  if (count === 0)
    throw new AppError('invalid_argument', 'no training pixels to compute the normalisation from');
  const mean = Array.from(sum, (s) => s / count);
  const squares = new Float64Array(channels);
  for (const data of images) {
    for (let i = 0; i < data.length; i++) {
      const d = data[i] / scale - mean[i % channels];
      squares[i % channels] += d * d;
    }
  }
  // A constant image has std 0; use 1 so normalising never divides by zero.
  const std = Array.from(squares, (s) => Math.sqrt(s / count) || 1);
  return { scale, mean, std };
}

/** Applies x' = (x / scale - mean[c]) / std[c] in place and returns `data`. */
export function applyNormalization(data: Float32Array, channels: number, norm: Normalization): Float32Array {
  for (let i = 0; i < data.length; i++) {
    const c = i % channels;
    data[i] = (data[i] / norm.scale - norm.mean[c]) / norm.std[c];
  }
  return data;
}
