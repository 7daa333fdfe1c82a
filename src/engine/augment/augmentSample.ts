import { AppError } from '../../shared/errors';
import type { Rng } from './createRng';
import { elasticField } from './elasticField';
import { applyOrientation, orientationIndex } from './orient';
import { warpSample } from './warpSample';

/** One training sample: image, per-pixel network targets and loss weights (0 = unlabelled). */
export interface Sample {
  width: number;
  height: number;
  channels: number;
  /** HWC float32. */
  image: Float32Array;
  /** HW class indices. */
  targets: Uint8Array;
  /** HW loss weights; 0 marks unlabelled pixels. */
  weights: Float32Array;
}

/** Which augmentations to draw; each is off when its option is false/0. */
export interface AugmentOptions {
  /** Elastic deformation (U-Net): default true. */
  elastic?: boolean;
  /** Standard deviation of the grid displacements in pixels; default 10 (paper). */
  elasticSigma?: number;
  /** Grid nodes per side; default 3 (paper). */
  elasticGrid?: number;
  /** Random horizontal and vertical flips; default true. */
  flips?: boolean;
  /** Random 90-degree turns (only 180 on non-square samples); default true. */
  rot90?: boolean;
  /** Small rotation drawn uniformly in [-deg, +deg] about the centre; default 0 (off). */
  rotationDegrees?: number;
  /**
   * Gray-value change, default off: v -> v * g + o with g ~ U(1 - gain, 1 + gain),
   * o ~ U(-offset, offset); with `gamma`, first a gamma curve with exponent ~ U(1 - gamma,
   * 1 + gamma) applied within the sample's own [min, max] range.
   */
  intensity?: { gain: number; offset: number; gamma?: number } | false;
  /**
   * Probability of inverting the contrast (v -> min + max - v within the sample's own range, per
   * channel), so dark objects on a bright background look like bright objects on a dark one and
   * the reverse; default 0 (off; nothing is drawn from the rng then).
   */
  invert?: number;
}

function checkSample(s: Sample): void {
  const n = s.width * s.height;
  if (
    !Number.isInteger(s.width) ||
    !Number.isInteger(s.height) ||
    !Number.isInteger(s.channels) ||
    n < 1 ||
    s.channels < 1
  ) {
    throw new AppError(
      'invalid_argument',
      `sample size must be positive integers, got ${s.width}x${s.height}x${s.channels}`,
    );
  }
  if (s.image.length !== n * s.channels || s.targets.length !== n || s.weights.length !== n) {
    throw new AppError(
      'size_mismatch',
      `sample arrays (image ${s.image.length}, targets ${s.targets.length}, weights ${s.weights.length}) do not match ${s.width}x${s.height}x${s.channels}`,
    );
  }
}

function adjustIntensity(
  image: Float32Array,
  rng: Rng,
  o: { gain: number; offset: number; gamma?: number },
): void {
  const gain = 1 + (2 * rng.next() - 1) * o.gain;
  const offset = (2 * rng.next() - 1) * o.offset;
  const gamma = o.gamma ? 1 + (2 * rng.next() - 1) * o.gamma : 1;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of image) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const range = hi - lo;
  for (let i = 0; i < image.length; i++) {
    let v = image[i];
    if (gamma !== 1 && range > 0) v = lo + range * ((v - lo) / range) ** gamma;
    image[i] = v * gain + offset;
  }
}

/**
 * A randomly augmented copy of `s` (new arrays, same size). Order: one coordinate map
 * (elastic field on a coarse grid + small rotation) resamples image (bicubic, mirror
 * boundary), targets and weights (nearest, so labels never blend and unlabelled stays
 * unlabelled); then exact flips / 90-degree turns; then the gray-value change (image only).
 * All randomness comes from `rng`, drawn in a fixed order: same rng state, same output.
 */
export function augmentSample(s: Sample, rng: Rng, opts: AugmentOptions = {}): Sample {
  checkSample(s);
  const { width, height, channels } = s;
  const n = width * height;
  const sigma = opts.elasticSigma ?? 10;
  const grid = opts.elasticGrid ?? 3;
  const degrees = opts.rotationDegrees ?? 0;
  if (!(sigma >= 0) || !Number.isInteger(grid) || grid < 2 || !(degrees >= 0)) {
    throw new AppError(
      'invalid_argument',
      `bad augmentation options: elasticSigma ${sigma}, elasticGrid ${grid}, rotationDegrees ${degrees}`,
    );
  }
  let out: Pick<Sample, 'image' | 'targets' | 'weights'> = {
    image: s.image.slice(),
    targets: s.targets.slice(),
    weights: s.weights.slice(),
  };

  const elastic = opts.elastic !== false && sigma > 0;
  const angle = degrees > 0 ? ((2 * rng.next() - 1) * degrees * Math.PI) / 180 : 0;
  if (elastic || angle !== 0) {
    const gridDx = new Float64Array(grid * grid);
    const gridDy = new Float64Array(grid * grid);
    if (elastic) {
      for (let k = 0; k < grid * grid; k++) {
        gridDx[k] = sigma * rng.normal();
        gridDy[k] = sigma * rng.normal();
      }
    }
    const field = elasticField(width, height, grid, gridDx, gridDy);
    const sourceX = new Float32Array(n);
    const sourceY = new Float32Array(n);
    const cx = (width - 1) / 2;
    const cy = (height - 1) / 2;
    const cos = Math.cos(angle);
    const sin = Math.sin(angle);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const p = y * width + x;
        sourceX[p] = cx + cos * (x - cx) - sin * (y - cy) + field.dx[p];
        sourceY[p] = cy + sin * (x - cx) + cos * (y - cy) + field.dy[p];
      }
    }
    out = warpSample({ ...s, ...out }, sourceX, sourceY);
  }

  const flipX = opts.flips !== false && rng.next() < 0.5;
  const flipY = opts.flips !== false && rng.next() < 0.5;
  let quarterTurns = 0;
  if (opts.rot90 !== false)
    quarterTurns = width === height ? Math.floor(rng.next() * 4) : 2 * Math.floor(rng.next() * 2);
  if (flipX || flipY || quarterTurns !== 0) {
    const index = orientationIndex(width, height, { flipX, flipY, quarterTurns });
    out = {
      image: applyOrientation(out.image, index, channels),
      targets: applyOrientation(out.targets, index, 1),
      weights: applyOrientation(out.weights, index, 1),
    };
  }

  if (opts.intensity) adjustIntensity(out.image, rng, opts.intensity);
  if ((opts.invert ?? 0) > 0 && rng.next() < (opts.invert ?? 0)) invertContrast(out.image, channels);
  return { width, height, channels, ...out };
}

/** v -> min + max - v per channel, in place (min/max of that channel in the sample). */
function invertContrast(image: Float32Array, channels: number): void {
  for (let c = 0; c < channels; c++) {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let i = c; i < image.length; i += channels) {
      if (image[i] < lo) lo = image[i];
      if (image[i] > hi) hi = image[i];
    }
    for (let i = c; i < image.length; i += channels) image[i] = lo + hi - image[i];
  }
}
