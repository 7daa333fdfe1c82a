import { AppError } from '../../shared/errors';
import type { RasterImage } from '../image/index';
import type { Normalization, PercentileNormalization } from '../model/types';
import { pixelsWithChannels, scaleOfBitDepth } from '../training/normalization';
import { modelInput } from './modelInput';
import type { RegionSource } from './regionSource';

/** Turns raw pixels of one tile of the image into network input (float32 HWC). */
export type PrepareTile = (tile: RasterImage) => Float32Array;

/** Samples read per band of the statistics pass. */
const BAND_SAMPLES = 1 << 22;

/**
 * Network input of tiles of an image that is never held whole, equal pixel for pixel to
 * `modelInput` of the whole image. Mean/std normalisation is per pixel, so tiles need nothing
 * more. Percentile normalisation needs the image's own percentiles: one pass over the image in
 * bands builds an exact histogram of the values `modelInput` would sort (8/16-bit samples have
 * few distinct values), then every tile is scaled with those fixed lo/hi. Float images with
 * percentile normalisation -> 'unsupported_format' (no exact histogram).
 */
export async function streamNormalization(
  source: RegionSource,
  channels: number,
  norm: Normalization,
  onBand?: (rowsDone: number) => void,
): Promise<PrepareTile> {
  if (norm.kind !== 'percentile') return (tile) => modelInput(tile, channels, norm, source.name);
  if (source.bitDepth === 32) {
    throw new AppError(
      'unsupported_format',
      `${source.name}: a float image with percentile normalisation cannot be streamed; convert it to 16 bits`,
    );
  }
  if (channels !== 1 && channels !== 3) {
    throw new AppError(
      'incompatible_model',
      `${source.name}: streaming prediction takes 1- or 3-channel models, this one expects ${channels}`,
    );
  }
  const bounds = await percentileBounds(source, channels, norm, onBand);
  const scale = scaleOfBitDepth(source.bitDepth);
  return (tile) => {
    const data = pixelsWithChannels(tile, channels);
    for (let i = 0; i < data.length; i++) data[i] /= scale;
    return scaleByBounds(data, bounds, norm.epsilon);
  };
}

/**
 * As applyNormalization with fixed percentiles: x' = (x - lo) / (hi - lo + eps) per group
 * (`bounds` has one [lo, hi] per channel, or one for all), in place on scaled HWC values.
 */
export function scaleByBounds(data: Float32Array, bounds: [number, number][], epsilon: number): Float32Array {
  const groups = bounds.length;
  for (let g = 0; g < groups; g++) {
    const [lo, hi] = bounds[g];
    const inverse = 1 / (hi - lo + epsilon);
    for (let i = g; i < data.length; i += groups) data[i] = (data[i] - lo) * inverse;
  }
  return data;
}

/**
 * [low, high] percentiles per group (per channel, or one group), equal to `percentiles` over
 * the scaled `pixelsWithChannels` values of the whole image: histograms of integer keys whose
 * float32 values sort like the keys (a sample, or the sum of three for RGB -> gray). One pass
 * over the image in bands of BAND_SAMPLES samples; 8/16-bit sources only.
 */
export async function percentileBounds(
  source: RegionSource,
  channels: 1 | 3,
  norm: PercentileNormalization,
  onBand?: (rowsDone: number) => void,
): Promise<[number, number][]> {
  const { width, height, bitDepth } = source;
  const max = bitDepth === 8 ? 255 : 65535;
  const scale = scaleOfBitDepth(bitDepth);
  const fromColour = source.channels !== 1;
  const summed = channels === 1 && fromColour;
  const keys = summed ? 3 * max + 1 : max + 1;
  // Float32 arithmetic of pixelsWithChannels then `/ scale`, as modelInput does it.
  const valueOfKey = summed
    ? (key: number) => Math.fround(Math.fround(key / 3) / scale)
    : (key: number) => Math.fround(key / scale);
  const groups = norm.perChannel ? channels : 1;
  const histograms = Array.from({ length: groups }, () => new Float64Array(keys));
  const rowsPerBand = Math.max(1, Math.floor(BAND_SAMPLES / (width * source.channels)));
  const C = source.channels;
  for (let y = 0; y < height; y += rowsPerBand) {
    const rows = Math.min(rowsPerBand, height - y);
    const { data } = await source.readRegion(0, y, width, rows);
    const n = width * rows;
    for (let p = 0; p < n; p++) {
      const o = p * C;
      if (summed) histograms[0][data[o] + data[o + 1] + data[o + 2]]++;
      else if (channels === 1) histograms[0][data[o]]++;
      else if (!fromColour) {
        // Gray repeated into three channels: three equal values per pixel.
        for (let g = 0; g < groups; g++) histograms[g][data[o]] += groups === 1 ? 3 : 1;
      } else {
        for (let c = 0; c < 3; c++) histograms[groups === 1 ? 0 : c][data[o + c]]++;
      }
    }
    onBand?.(y + rows);
  }
  return histograms.map((h) => [
    percentileOf(h, norm.low, valueOfKey),
    percentileOf(h, norm.high, valueOfKey),
  ]);
}

/**
 * Percentile q (0..100) of the values a histogram counts, with numpy's linear interpolation
 * between order statistics, as `percentiles` computes it from sorted values.
 */
export function percentileOf(
  histogram: Float64Array,
  q: number,
  valueOfKey: (key: number) => number,
): number {
  let n = 0;
  for (const count of histogram) n += count;
  if (n === 0) return 0;
  const position = (Math.min(100, Math.max(0, q)) / 100) * (n - 1);
  const below = Math.floor(position);
  const above = Math.min(n - 1, below + 1);
  const fraction = position - below;
  const at = (rank: number): number => {
    let seen = 0;
    for (let key = 0; key < histogram.length; key++) {
      seen += histogram[key];
      if (seen > rank) return valueOfKey(key);
    }
    return valueOfKey(histogram.length - 1);
  };
  const low = at(below);
  return low + (at(above) - low) * fraction;
}
