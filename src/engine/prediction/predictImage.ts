import { AppError } from '../../shared/errors';
import { mirrorPad } from './mirrorPad';
import type { Predictor } from './Predictor';
import { tileLayout } from './tileLayout';

export interface PredictImageOptions {
  signal?: AbortSignal;
  /** Called after each batch with tiles done and the total. */
  onProgress?: (done: number, total: number) => void;
  /** Tiles per network call (default 1: the paper favours large tiles over batches). */
  batch?: number;
}

export interface PredictImageResult {
  /** Softmax probabilities, HWC with `classes` channels, width x height of the input. */
  probabilities: Float32Array;
  /** Arg-max class per pixel (row-major). */
  classes: Uint8Array;
  /** Logits, HWC like `probabilities`. */
  logits: Float32Array;
  /** Tiles run. */
  tiles: number;
}

/**
 * Overlap-tile prediction (paper Fig. 2) of a normalised HWC float image of any size: mirror-pad
 * by the border, run every input tile, stitch the output tiles (see `tileLayout` for the stride),
 * crop to width x height. The result equals one pass over the whole mirror-padded image up to
 * float rounding. Cancelling through `signal` throws AppError('cancelled').
 */
export async function predictImage(
  image: Float32Array,
  width: number,
  height: number,
  channels: number,
  predictor: Predictor,
  options: PredictImageOptions = {},
): Promise<PredictImageResult> {
  if (channels !== predictor.channels) {
    throw new AppError(
      'incompatible_model',
      `the model expects ${predictor.channels}-channel images, got ${channels} channels`,
    );
  }
  const layout = tileLayout(width, height, predictor.inputSize, predictor.outputSize, predictor.alignment);
  const padded = mirrorPad(image, width, height, channels, layout.padding);
  const { inputSize, outputSize } = layout;
  const classes = predictor.classes;
  const logits = new Float32Array(width * height * classes);
  const batchSize = Math.max(1, Math.floor(options.batch ?? 1));
  const total = layout.origins.length;
  for (let start = 0; start < total; start += batchSize) {
    if (options.signal?.aborted) throw new AppError('cancelled', 'prediction cancelled');
    const origins = layout.origins.slice(start, start + batchSize);
    const tiles = origins.map(({ x, y }) => cropTile(padded.data, padded.width, channels, x, y, inputSize));
    const outputs = await predictor.runTiles(tiles);
    origins.forEach(({ x, y }, i) => {
      // Paste the output tile, clipped to the image (the padded extra is dropped).
      const rows = Math.min(outputSize, height - y);
      const columns = Math.min(outputSize, width - x);
      const out = outputs[i];
      for (let row = 0; row < rows; row++) {
        const source = row * outputSize * classes;
        const target = ((y + row) * width + x) * classes;
        logits.set(out.subarray(source, source + columns * classes), target);
      }
    });
    options.onProgress?.(Math.min(start + batchSize, total), total);
  }
  const { probabilities, labels } = softmaxArgmax(logits, classes);
  return { probabilities, classes: labels, logits, tiles: total };
}

/** An inputSize^2 HWC tile of `data` (row width `rowWidth`) with top-left corner (x, y). */
function cropTile(
  data: Float32Array,
  rowWidth: number,
  channels: number,
  x: number,
  y: number,
  size: number,
): Float32Array {
  const tile = new Float32Array(size * size * channels);
  for (let row = 0; row < size; row++) {
    const source = ((y + row) * rowWidth + x) * channels;
    tile.set(data.subarray(source, source + size * channels), row * size * channels);
  }
  return tile;
}

/** Per-pixel softmax over `classes` interleaved logits, and the arg-max (first on ties). */
export function softmaxArgmax(
  logits: Float32Array,
  classes: number,
): { probabilities: Float32Array; labels: Uint8Array } {
  const pixels = logits.length / classes;
  const probabilities = new Float32Array(logits.length);
  const labels = new Uint8Array(pixels);
  for (let p = 0; p < pixels; p++) {
    const base = p * classes;
    const best = argmaxAt(logits, base, classes);
    const max = logits[base + best];
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      const e = Math.exp(logits[base + c] - max);
      probabilities[base + c] = e;
      sum += e;
    }
    for (let c = 0; c < classes; c++) probabilities[base + c] /= sum;
    labels[p] = best;
  }
  return { probabilities, labels };
}

/** Index of the largest of `classes` values at `base`; the first on ties. */
export function argmaxAt(values: Float32Array, base: number, classes: number): number {
  let best = 0;
  let max = values[base];
  for (let c = 1; c < classes; c++) {
    if (values[base + c] > max) {
      max = values[base + c];
      best = c;
    }
  }
  return best;
}
