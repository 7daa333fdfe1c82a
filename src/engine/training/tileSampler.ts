/**
 * Random training tiles. A tile is the network input window (inputSize px) around an output
 * window (outputSize px, the pixels the loss sees). The output window must cover labelled
 * pixels (weight > 0); the input context beyond the image is filled by mirroring (U-Net
 * overlap-tile strategy), so images smaller than a tile work too.
 */
import { mirrorIndex, type Sample } from '../augment/index';

/**
 * A training image ready for sampling: normalised pixels (HWC), class index per pixel (0 =
 * background; meaningless where the weight is 0) and loss weights (0 = unlabelled).
 */
export type TrainingSample = Sample & { name: string };

/** A cut-out tile: image is inputSize^2 x channels; targets/weights are inputSize^2 too. */
export type Tile = Sample;

/** Anything with a uniform [0, 1) generator (the augmentation RNG qualifies). */
export interface UniformSource {
  next(): number;
}

/**
 * Counts labelled pixels (weight > 0) in any rectangle in O(1): a summed-area table.
 */
export class LabelledCounter {
  private readonly table: Float64Array;
  readonly total: number;

  constructor(
    readonly width: number,
    readonly height: number,
    weights: Float32Array,
  ) {
    const w1 = width + 1;
    this.table = new Float64Array(w1 * (height + 1));
    for (let y = 0; y < height; y++) {
      let row = 0;
      for (let x = 0; x < width; x++) {
        row += weights[y * width + x] > 0 ? 1 : 0;
        this.table[(y + 1) * w1 + x + 1] = this.table[y * w1 + x + 1] + row;
      }
    }
    this.total = this.table[height * w1 + width];
  }

  /** Labelled pixels in [x0, x1) x [y0, y1), clipped to the image. */
  count(x0: number, y0: number, x1: number, y1: number): number {
    const ax = Math.max(0, x0);
    const ay = Math.max(0, y0);
    const bx = Math.min(this.width, x1);
    const by = Math.min(this.height, y1);
    if (bx <= ax || by <= ay) return 0;
    const w1 = this.width + 1;
    const t = this.table;
    return t[by * w1 + bx] - t[ay * w1 + bx] - t[by * w1 + ax] + t[ay * w1 + ax];
  }
}

/**
 * Picks the top-left corner (image coordinates) of an outputSize window that holds at least one
 * labelled pixel. Windows range over every position inside the image (or, for an image smaller
 * than the window, every position that still covers it). Uniform tries first; if the labels are
 * too sparse for that, a random labelled pixel is picked and a window placed around it.
 */
export function chooseOutputWindow(
  counter: LabelledCounter,
  outputSize: number,
  rng: UniformSource,
): { x: number; y: number } {
  if (counter.total === 0) throw new Error('chooseOutputWindow: the sample has no labelled pixel');
  const [minX, maxX] = range(counter.width, outputSize);
  const [minY, maxY] = range(counter.height, outputSize);
  for (let attempt = 0; attempt < 32; attempt++) {
    const x = minX + Math.floor(rng.next() * (maxX - minX + 1));
    const y = minY + Math.floor(rng.next() * (maxY - minY + 1));
    if (counter.count(x, y, x + outputSize, y + outputSize) > 0) return { x, y };
  }
  // Sparse labels: the k-th labelled pixel in raster order, found by binary search over rows.
  const k = Math.floor(rng.next() * counter.total);
  const { px, py } = nthLabelled(counter, k);
  const x = clamp(px - Math.floor(rng.next() * outputSize), minX, maxX);
  const y = clamp(py - Math.floor(rng.next() * outputSize), minY, maxY);
  return { x, y };
}

/**
 * Cuts the input tile whose output window starts at (x, y): the tile starts at
 * (x - border, y - border) with border = (inputSize - outputSize) / 2. Pixels outside the image
 * are mirrored; targets and weights outside the image are 0 (unlabelled), never mirrored.
 */
export function cutTile(
  sample: TrainingSample,
  x: number,
  y: number,
  inputSize: number,
  outputSize: number,
): Tile {
  const border = (inputSize - outputSize) / 2;
  const { width, height, channels } = sample;
  const image = new Float32Array(inputSize * inputSize * channels);
  const targets = new Uint8Array(inputSize * inputSize);
  const weights = new Float32Array(inputSize * inputSize);
  const x0 = x - border;
  const y0 = y - border;
  for (let ty = 0; ty < inputSize; ty++) {
    const iy = y0 + ty;
    const sy = mirrorIndex(iy, height);
    const insideY = iy >= 0 && iy < height;
    for (let tx = 0; tx < inputSize; tx++) {
      const ix = x0 + tx;
      const sx = mirrorIndex(ix, width);
      const src = sy * width + sx;
      const dst = ty * inputSize + tx;
      for (let c = 0; c < channels; c++) image[dst * channels + c] = sample.image[src * channels + c];
      if (insideY && ix >= 0 && ix < width) {
        targets[dst] = sample.targets[src];
        weights[dst] = sample.weights[src];
      }
    }
  }
  return { width: inputSize, height: inputSize, channels, image, targets, weights };
}

/** Copies the centred outputSize window of a square inputSize map. */
export function cropCentre<T extends Float32Array | Uint8Array>(
  map: T,
  inputSize: number,
  outputSize: number,
): T {
  const border = (inputSize - outputSize) / 2;
  const out = new (map.constructor as new (n: number) => T)(outputSize * outputSize);
  for (let y = 0; y < outputSize; y++) {
    const from = (y + border) * inputSize + border;
    out.set(map.subarray(from, from + outputSize) as T, y * outputSize);
  }
  return out;
}

function range(size: number, window: number): [number, number] {
  return size >= window ? [0, size - window] : [size - window, 0];
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

function nthLabelled(counter: LabelledCounter, k: number): { px: number; py: number } {
  let lo = 0;
  let hi = counter.height - 1;
  // Smallest row r with count(rows 0..r) > k.
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (counter.count(0, 0, counter.width, mid + 1) > k) hi = mid;
    else lo = mid + 1;
  }
  let remaining = k - counter.count(0, 0, counter.width, lo);
  for (let px = 0; px < counter.width; px++) {
    if (counter.count(px, lo, px + 1, lo + 1) > 0) {
      if (remaining === 0) return { px, py: lo };
      remaining--;
    }
  }
  return { px: counter.width - 1, py: lo };
}
