import { AppError } from '../../shared/errors';
import type { MultiChannelImage } from '../image/rasterImage';
import type { MeanStdNormalization, Normalization, PercentileNormalization } from '../model/types';

/** Full-scale value of a bit depth: 255, 65535, or 1 for float data. */
export function scaleOfBitDepth(bitDepth: 8 | 16 | 32): number {
  return bitDepth === 8 ? 255 : bitDepth === 16 ? 65535 : 1;
}

/**
 * Pixels of `img` as float32 HWC with `channels` channels. The same count: copied. Otherwise the
 * conversions between gray, RGB and RGBA: alpha dropped; RGB averaged to gray when `channels`
 * is 1 (ITU-R 601 luma would change contrast between stains; a plain mean keeps every channel's
 * signal); gray repeated into RGB. Any other pair (a 2-channel image for a 1- or 3-channel
 * network, 5 for 2, ...) has no meaning -> 'incompatible_model' naming `name`. Values are raw
 * (not yet scaled).
 */
export function pixelsWithChannels(img: MultiChannelImage, channels: number, name = 'image'): Float32Array {
  const n = img.width * img.height;
  const source = img.channels;
  if (source === channels) return Float32Array.from(img.data.subarray(0, n * channels));
  const out = new Float32Array(n * channels);
  if (channels === 1 && (source === 3 || source === 4)) {
    for (let p = 0; p < n; p++)
      out[p] = (img.data[p * source] + img.data[p * source + 1] + img.data[p * source + 2]) / 3;
  } else if (channels === 3 && source === 1) {
    for (let p = 0; p < n; p++) out.fill(img.data[p], p * 3, p * 3 + 3);
  } else if (channels === 3 && source === 4) {
    for (let p = 0; p < n; p++) for (let c = 0; c < 3; c++) out[p * 3 + c] = img.data[p * 4 + c];
  } else {
    throw new AppError(
      'incompatible_model',
      `${name} has ${source} channel${source === 1 ? '' : 's'}; the model takes ${channels} and cannot convert ${source} to ${channels}`,
    );
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
