import { AppError } from '../../shared/errors';
import type { RasterImage } from '../image/rasterImage';
import type { MeanStdNormalization, Normalization, PercentileNormalization } from '../model/types';

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
 * Mean/std normalisation over training images (values already divided by their bit-depth full
 * scale): per-channel mean and standard deviation over every pixel of every image, two-pass in
 * float64. `scale` is recorded for the model metadata.
 */
export function computeNormalization(
  images: Float32Array[],
  channels: number,
  scale: number,
): MeanStdNormalization {
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
  return { kind: 'meanStd', scale, mean, std };
}

/**
 * Normalises HWC `data` in place and returns it. Mean/std: x' = (x / scale - mean[c]) / std[c].
 * Percentile: the image's own percentiles (see `percentiles`), x' = (x - lo) / (hi - lo + eps),
 * per channel or over all channels; this is invariant to a common scale of `data`.
 */
export function applyNormalization(data: Float32Array, channels: number, norm: Normalization): Float32Array {
  if (norm.kind === 'percentile') return applyPercentile(data, channels, norm);
  for (let i = 0; i < data.length; i++) {
    const c = i % channels;
    data[i] = (data[i] / norm.scale - norm.mean[c]) / norm.std[c];
  }
  return data;
}

function applyPercentile(data: Float32Array, channels: number, norm: PercentileNormalization): Float32Array {
  const groups = norm.perChannel ? channels : 1;
  const stride = norm.perChannel ? channels : 1;
  for (let g = 0; g < groups; g++) {
    const values = norm.perChannel ? strided(data, g, channels) : data;
    const [lo, hi] = percentiles(values, [norm.low, norm.high]);
    const inverse = 1 / (hi - lo + norm.epsilon);
    for (let i = g; i < data.length; i += stride) data[i] = (data[i] - lo) * inverse;
  }
  return data;
}

function strided(data: Float32Array, offset: number, stride: number): Float32Array {
  const out = new Float32Array(Math.ceil((data.length - offset) / stride));
  for (let i = offset, k = 0; i < data.length; i += stride, k++) out[k] = data[i];
  return out;
}

/**
 * Percentiles (0..100) of `values` with numpy's default linear interpolation between order
 * statistics: position q/100 * (n - 1) in the sorted values. Sorts a copy; NaNs are ignored.
 */
export function percentiles(values: Float32Array, qs: number[]): number[] {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort();
  const n = sorted.length;
  if (n === 0) return qs.map(() => 0);
  return qs.map((q) => {
    const position = (Math.min(100, Math.max(0, q)) / 100) * (n - 1);
    const below = Math.floor(position);
    const above = Math.min(n - 1, below + 1);
    const fraction = position - below;
    return sorted[below] + (sorted[above] - sorted[below]) * fraction;
  });
}
