import type { IntensityStats } from '../../../../shared/schemas';

/**
 * Noise level of an image in its own units: the standard deviation of pixel noise estimated
 * from horizontal neighbour differences of the first channel, robustly (median absolute
 * difference / (0.6745 * sqrt 2), the MAD estimator applied to differences of two independent
 * noisy pixels; edges and texture barely move a median). At most ~`samples` pairs are read.
 */
export function noiseSigma(
  data: ArrayLike<number>,
  channels: number,
  width: number,
  height: number,
  samples = 200_000,
): number {
  const pairs = (width - 1) * height;
  if (pairs <= 0) return 0;
  const step = Math.max(1, Math.floor(pairs / samples));
  const diffs: number[] = [];
  for (let k = 0; k < pairs; k += step) {
    const y = Math.floor(k / (width - 1));
    const x = k % (width - 1);
    const i = (y * width + x) * channels;
    const d = Math.abs(data[i + channels] - data[i]);
    if (Number.isFinite(d)) diffs.push(d);
  }
  if (diffs.length === 0) return 0;
  diffs.sort((a, b) => a - b);
  return diffs[Math.floor(diffs.length / 2)] / (0.6745 * Math.SQRT2);
}

/**
 * The Fill tool's starting tolerance for an image (its own units): wide enough to step over
 * noise (3 sigma) and over the shading inside a cell (15% of the image's 0.5-99.5 percentile
 * range), so one click fills a cell rather than one pixel, and still far below the range, so
 * it does not flood the image. Integers for integer images, 3 significant digits for float.
 */
export function suggestFillTolerance(sigma: number, stats: IntensityStats, isFloat: boolean): number {
  const range = Math.max(0, stats.high - stats.low);
  const tolerance = Math.max(3 * sigma, 0.15 * range);
  if (!isFloat) return Math.max(1, Math.round(tolerance));
  return tolerance > 0 ? Number(tolerance.toPrecision(3)) : 0;
}
