import type { Predictor } from './Predictor';
import { type PredictImageOptions, type PredictImageResult, predictImage } from './predictImage';

/** The 8 symmetries of the square: flips and 90-degree turns (the dihedral group D4). */
export const TTA_TRANSFORMS = 8;

/**
 * Where each pixel of a width x height image goes under symmetry `k` (0..7): bit 0 flips x, bit 1
 * flips y, bit 2 then transposes (swaps x and y, so the result is height x width). Returns
 * `map` with transformed[map[i]] = original[i], and the transformed size. k = 0 is the identity;
 * the 8 values give every flip and rotation exactly once.
 */
export function dihedralMap(
  k: number,
  width: number,
  height: number,
): { map: Int32Array; width: number; height: number } {
  const flipX = (k & 1) !== 0;
  const flipY = (k & 2) !== 0;
  const transpose = (k & 4) !== 0;
  const outWidth = transpose ? height : width;
  const map = new Int32Array(width * height);
  for (let y = 0; y < height; y++) {
    const v = flipY ? height - 1 - y : y;
    for (let x = 0; x < width; x++) {
      const u = flipX ? width - 1 - x : x;
      map[y * width + x] = transpose ? u * outWidth + v : v * outWidth + u;
    }
  }
  return { map, width: outWidth, height: transpose ? width : height };
}

/** HWC `data` moved by `map` (dihedralMap): out[map[i]] = data[i], per channel. */
export function applyMap(data: Float32Array, map: Int32Array, channels: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < map.length; i++) {
    const from = i * channels;
    const to = map[i] * channels;
    for (let c = 0; c < channels; c++) out[to + c] = data[from + c];
  }
  return out;
}

/**
 * Test-time augmentation: predicts the image under each of the 8 flips and rotations (overlap-tile
 * each time, see predictImage), maps the probabilities back and averages them; classes are the
 * arg-max of the mean (first on ties), logits its log. Costs 8 predictions. Progress counts the
 * tiles of all 8 passes.
 */
export async function predictImageTta(
  image: Float32Array,
  width: number,
  height: number,
  channels: number,
  predictor: Predictor,
  options: PredictImageOptions = {},
): Promise<PredictImageResult> {
  const classes = predictor.classes;
  const sum = new Float64Array(width * height * classes);
  let tiles = 0;
  for (let k = 0; k < TTA_TRANSFORMS; k++) {
    const t = dihedralMap(k, width, height);
    const result = await predictImage(
      applyMap(image, t.map, channels),
      t.width,
      t.height,
      channels,
      predictor,
      {
        ...options,
        onProgress: (done, total) => options.onProgress?.(k * total + done, TTA_TRANSFORMS * total),
      },
    );
    tiles += result.tiles;
    const p = result.probabilities;
    for (let i = 0; i < t.map.length; i++) {
      const from = t.map[i] * classes;
      for (let c = 0; c < classes; c++) sum[i * classes + c] += p[from + c];
    }
  }
  const probabilities = new Float32Array(sum.length);
  const logits = new Float32Array(sum.length);
  const labels = new Uint8Array(width * height);
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let c = 0; c < classes; c++) {
      const mean = sum[i * classes + c] / TTA_TRANSFORMS;
      probabilities[i * classes + c] = mean;
      logits[i * classes + c] = Math.log(mean);
      if (mean > probabilities[i * classes + best]) best = c;
    }
    labels[i] = best;
  }
  return { probabilities, classes: labels, logits, tiles };
}
