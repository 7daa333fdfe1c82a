import type { PixelArray } from '../../shared/imageData';
import type { IntensityStats } from '../../shared/schemas';

/** Percentiles reported as `low` / `high` (ImageJ-like auto contrast saturating 0.5 % each end). */
export const LOW_PERCENTILE = 0.5;
export const HIGH_PERCENTILE = 99.5;

/**
 * Min, max and the 0.5th / 99.5th percentiles over all samples (all channels). Integer data
 * uses an exact histogram (the smallest value v with at least p % of samples <= v); float data
 * a sorted copy of the finite samples (subsampled to at most 2^20 when larger).
 */
export function intensityStats(data: PixelArray): IntensityStats {
  if (data.length === 0) return { min: 0, max: 0, low: 0, high: 0 };
  if (data instanceof Float32Array) return floatStats(data);
  const histogram = new Uint32Array(data instanceof Uint8Array ? 256 : 65536);
  for (let i = 0; i < data.length; i++) histogram[data[i]]++;
  let min = 0;
  while (histogram[min] === 0) min++;
  let max = histogram.length - 1;
  while (histogram[max] === 0) max--;
  const rankOf = (p: number) => Math.max(1, Math.ceil((p / 100) * data.length));
  const valueAtRank = (rank: number) => {
    let seen = 0;
    for (let v = min; v <= max; v++) {
      seen += histogram[v];
      if (seen >= rank) return v;
    }
    return max;
  };
  return { min, max, low: valueAtRank(rankOf(LOW_PERCENTILE)), high: valueAtRank(rankOf(HIGH_PERCENTILE)) };
}

function floatStats(data: Float32Array): IntensityStats {
  const step = Math.max(1, Math.floor(data.length / 2 ** 20));
  const sample: number[] = [];
  for (let i = 0; i < data.length; i += step) if (Number.isFinite(data[i])) sample.push(data[i]);
  if (sample.length === 0) return { min: 0, max: 0, low: 0, high: 0 };
  sample.sort((a, b) => a - b);
  const at = (p: number) => sample[Math.max(0, Math.ceil((p / 100) * sample.length) - 1)];
  return {
    min: sample[0],
    max: sample[sample.length - 1],
    low: at(LOW_PERCENTILE),
    high: at(HIGH_PERCENTILE),
  };
}
