import { EdtScratch, squaredEdtInWindow } from '../weightmap/squaredEdtInWindow';

/** Squared distances at or above this mean "no outside pixel at all" (squaredEdtInWindow's FAR). */
const NONE = 1e19;

/**
 * Exact Euclidean distance (px, pixel centres) from every pixel where `inside(i)` holds to the
 * nearest pixel of the image where it does not; 0 outside. With no outside pixel at all, the
 * distances are Infinity. The weight maps' exact transform (lower envelope of parabolas) over
 * the whole image, with the outside pixels as the features.
 */
export function distanceTransform(
  width: number,
  height: number,
  inside: (index: number) => boolean,
): Float32Array {
  const outside = new Int32Array(width * height);
  for (let i = 0; i < outside.length; i++) outside[i] = inside(i) ? 0 : 1;
  const out = new Float32Array(width * height);
  const window = { x0: 0, y0: 0, w: width, h: height, firstColumn: 0, lastColumn: width - 1 };
  squaredEdtInWindow(outside, width, 1, window, new EdtScratch(), (y, row) => {
    for (let x = 0; x < width; x++)
      out[y * width + x] = row[x] >= NONE ? Number.POSITIVE_INFINITY : Math.sqrt(row[x]);
  });
  return out;
}
