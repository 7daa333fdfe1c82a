import type { Sample } from './augmentSample';
import { cubicKernel } from './elasticField';

/** Mirror (reflect without repeating the edge: -1 -> 1) an integer index into [0, n). */
export function mirrorIndex(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  let m = i % period;
  if (m < 0) m += period;
  return m < n ? m : period - m;
}

/**
 * Resamples image, targets and weights at source coordinates (`sourceX`, `sourceY`, in pixels,
 * one pair per output pixel) with mirror boundary. The image uses bicubic (Keys a = -0.5)
 * interpolation, which may overshoot the input range slightly at sharp edges; targets and
 * weights use nearest neighbour at the same pixel, so labels are never blended and unlabelled
 * (weight 0) stays unlabelled. Returns new arrays of the same sizes.
 */
export function warpSample(
  input: Sample,
  sourceX: Float32Array,
  sourceY: Float32Array,
): { image: Float32Array; targets: Uint8Array; weights: Float32Array } {
  const { width, height, channels } = input;
  const image = new Float32Array(input.image.length);
  const targets = new Uint8Array(input.targets.length);
  const weights = new Float32Array(input.weights.length);
  const xs = new Int32Array(4);
  const ys = new Int32Array(4);
  const wx = new Float64Array(4);
  const wy = new Float64Array(4);
  const acc = new Float64Array(channels);
  for (let p = 0; p < width * height; p++) {
    const sx = sourceX[p];
    const sy = sourceY[p];
    const nearest = mirrorIndex(Math.round(sy), height) * width + mirrorIndex(Math.round(sx), width);
    targets[p] = input.targets[nearest];
    weights[p] = input.weights[nearest];
    const x0 = Math.floor(sx);
    const y0 = Math.floor(sy);
    const fx = sx - x0;
    const fy = sy - y0;
    const inside = x0 >= 1 && y0 >= 1 && x0 + 2 < width && y0 + 2 < height;
    for (let k = 0; k < 4; k++) {
      // Mirroring only near the border; inside, the four taps are consecutive.
      xs[k] = inside ? x0 - 1 + k : mirrorIndex(x0 - 1 + k, width);
      ys[k] = inside ? y0 - 1 + k : mirrorIndex(y0 - 1 + k, height);
      wx[k] = cubicKernel(fx + 1 - k);
      wy[k] = cubicKernel(fy + 1 - k);
    }
    if (channels === 1) {
      let sum = 0;
      for (let j = 0; j < 4; j++) {
        const row = ys[j] * width;
        sum +=
          wy[j] *
          (wx[0] * input.image[row + xs[0]] +
            wx[1] * input.image[row + xs[1]] +
            wx[2] * input.image[row + xs[2]] +
            wx[3] * input.image[row + xs[3]]);
      }
      image[p] = sum;
      continue;
    }
    acc.fill(0);
    for (let j = 0; j < 4; j++) {
      const row = ys[j] * width;
      for (let k = 0; k < 4; k++) {
        const w = wy[j] * wx[k];
        const src = (row + xs[k]) * channels;
        for (let c = 0; c < channels; c++) acc[c] += w * input.image[src + c];
      }
    }
    for (let c = 0; c < channels; c++) image[p * channels + c] = acc[c];
  }
  return { image, targets, weights };
}
