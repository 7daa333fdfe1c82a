import { AppError } from '../../shared/errors';
import type { LazyTiff, PixelData, RasterImage } from '../image/index';
import { reflectIndex } from './mirrorPad';

/**
 * An image read rectangle by rectangle, so that streaming prediction never holds it whole.
 * `readRegion` returns the rectangle's samples (HWC, like RasterImage).
 */
export interface RegionSource {
  /** Shown in errors. */
  name: string;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  bitDepth: 8 | 16 | 32;
  readRegion(x: number, y: number, width: number, height: number): Promise<RasterImage>;
}

/**
 * A lazily read TIFF/BigTIFF (full resolution, plane z = t = 0) as a region source. Images of
 * other than 1, 3 or 4 channels -> 'unsupported_format'. The caller closes `tiff`.
 */
export function lazyTiffSource(tiff: LazyTiff): RegionSource {
  const channels = tiff.channels;
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new AppError(
      'unsupported_format',
      `${tiff.name} has ${channels} channels; 1, 3 or 4 can be segmented.`,
    );
  }
  return {
    name: tiff.name,
    width: tiff.width,
    height: tiff.height,
    channels,
    bitDepth: tiff.bitDepth,
    readRegion: async (x, y, width, height) => {
      const region = await tiff.readRegion({ x, y, width, height });
      return { width, height, channels, bitDepth: region.bitDepth, data: region.data };
    },
  };
}

/** An image in memory as a region source (small formats, and tests). */
export function rasterSource(img: RasterImage, name = 'image'): RegionSource {
  return {
    name,
    width: img.width,
    height: img.height,
    channels: img.channels,
    bitDepth: img.bitDepth,
    readRegion: async (x, y, width, height) => {
      const data = newLike(img.data, width * height * img.channels);
      const C = img.channels;
      for (let row = 0; row < height; row++) {
        const from = ((y + row) * img.width + x) * C;
        data.set(img.data.subarray(from, from + width * C), row * width * C);
      }
      return { width, height, channels: img.channels, bitDepth: img.bitDepth, data };
    },
  };
}

/**
 * The size x size square with top-left corner (x, y), which may lie partly outside the image:
 * positions outside are mirrored without repeating the edge (`reflectIndex`, the padding of
 * overlap-tile prediction). Reads only the bounding box of the mirrored rows and columns.
 */
export async function readMirrored(
  source: RegionSource,
  x: number,
  y: number,
  size: number,
): Promise<RasterImage> {
  const columns = Int32Array.from({ length: size }, (_, i) => reflectIndex(x + i, source.width));
  const rows = Int32Array.from({ length: size }, (_, i) => reflectIndex(y + i, source.height));
  const [x0, x1] = range(columns);
  const [y0, y1] = range(rows);
  const box = await source.readRegion(x0, y0, x1 - x0 + 1, y1 - y0 + 1);
  const inside = x0 === x && y0 === y && box.width === size && box.height === size;
  if (inside) return box;
  const C = source.channels;
  const data = newLike(box.data, size * size * C);
  for (let r = 0; r < size; r++) {
    const rowStart = (rows[r] - y0) * box.width;
    for (let c = 0; c < size; c++) {
      const from = (rowStart + columns[c] - x0) * C;
      const to = (r * size + c) * C;
      for (let k = 0; k < C; k++) data[to + k] = box.data[from + k];
    }
  }
  return { width: size, height: size, channels: C, bitDepth: box.bitDepth, data };
}

function range(indices: Int32Array): [number, number] {
  let lo = indices[0];
  let hi = indices[0];
  for (const i of indices) {
    if (i < lo) lo = i;
    if (i > hi) hi = i;
  }
  return [lo, hi];
}

function newLike(data: PixelData, length: number): PixelData {
  return data instanceof Uint8Array
    ? new Uint8Array(length)
    : data instanceof Uint16Array
      ? new Uint16Array(length)
      : new Float32Array(length);
}
