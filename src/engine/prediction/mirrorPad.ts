import { AppError } from '../../shared/errors';

/** Padding in pixels on each side. */
export interface Padding {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/**
 * Index into [0, size) of position `i` mirrored at the image edges without repeating the edge
 * pixel (…2 1 | 0 1 2 … n-1 | n-2 n-3…), as in the paper's Fig. 2. Positions further out than
 * the image is wide keep reflecting back and forth (period 2 (size - 1)).
 */
export function reflectIndex(i: number, size: number): number {
  if (size === 1) return 0;
  const period = 2 * (size - 1);
  const m = ((i % period) + period) % period;
  return m < size ? m : period - m;
}

/**
 * Mirror-pads an HWC image (any typed array of numbers) by `pad`; returns a new Float32Array
 * of (width + left + right) x (height + top + bottom) x channels and its size. Pads larger than
 * the image repeat the reflection.
 */
export function mirrorPad(
  image: ArrayLike<number>,
  width: number,
  height: number,
  channels: number,
  pad: Padding,
): { data: Float32Array; width: number; height: number } {
  if (image.length !== width * height * channels) {
    throw new AppError(
      'size_mismatch',
      `mirrorPad: ${image.length} samples for a ${width}x${height} image with ${channels} channels`,
    );
  }
  for (const side of ['left', 'top', 'right', 'bottom'] as const) {
    if (!Number.isInteger(pad[side]) || pad[side] < 0) {
      throw new AppError(
        'invalid_argument',
        `mirrorPad: pad.${side} must be a non-negative integer, got ${pad[side]}`,
      );
    }
  }
  const outWidth = width + pad.left + pad.right;
  const outHeight = height + pad.top + pad.bottom;
  const out = new Float32Array(outWidth * outHeight * channels);
  const columns = new Int32Array(outWidth);
  for (let x = 0; x < outWidth; x++) columns[x] = reflectIndex(x - pad.left, width);
  for (let y = 0; y < outHeight; y++) {
    const sourceRow = reflectIndex(y - pad.top, height) * width;
    const targetRow = y * outWidth;
    for (let x = 0; x < outWidth; x++) {
      const source = (sourceRow + columns[x]) * channels;
      const target = (targetRow + x) * channels;
      for (let c = 0; c < channels; c++) out[target + c] = image[source + c];
    }
  }
  return { data: out, width: outWidth, height: outHeight };
}
