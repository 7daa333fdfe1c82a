import { AppError } from '../../shared/errors';

/** An exact reorientation: optional flips, then `quarterTurns` clockwise 90-degree turns. */
export interface Orientation {
  flipX: boolean;
  flipY: boolean;
  /** 0..3; odd values need a square image (the size must not change). */
  quarterTurns: number;
}

/**
 * For each output pixel of a width x height plane, the input pixel it copies (row-major), for
 * flips followed by clockwise quarter turns. Exact: a permutation, no interpolation.
 */
export function orientationIndex(width: number, height: number, o: Orientation): Int32Array {
  const turns = ((o.quarterTurns % 4) + 4) % 4;
  if (turns % 2 === 1 && width !== height) {
    throw new AppError('invalid_argument', `a 90-degree turn needs a square image, got ${width}x${height}`);
  }
  const index = new Int32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // Undo the turns: output (x, y) of a clockwise turn came from (y, W-1-x) of its input.
      let ix = x;
      let iy = y;
      for (let t = 0; t < turns; t++) {
        const nx = iy;
        iy = width - 1 - ix;
        ix = nx;
      }
      if (o.flipX) ix = width - 1 - ix;
      if (o.flipY) iy = height - 1 - iy;
      index[y * width + x] = iy * width + ix;
    }
  }
  return index;
}

/** Applies an {@link orientationIndex} to a plane with `channels` values per pixel (new array). */
export function applyOrientation<T extends Float32Array | Uint8Array>(
  src: T,
  index: Int32Array,
  channels: number,
): T {
  const out = src.slice() as T;
  for (let p = 0; p < index.length; p++) {
    const from = index[p] * channels;
    const to = p * channels;
    for (let c = 0; c < channels; c++) out[to + c] = src[from + c];
  }
  return out;
}
