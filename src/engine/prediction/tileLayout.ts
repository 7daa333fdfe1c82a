import { AppError } from '../../shared/errors';
import { legalInputSizes, unetOutputSize } from '../model/index';
import type { Padding } from './mirrorPad';

/** Where the overlap tiles of one image sit. All sizes in pixels. */
export interface TileLayout {
  inputSize: number;
  outputSize: number;
  /** Distance between neighbouring tiles (output and input alike). */
  stride: number;
  tilesX: number;
  tilesY: number;
  /** Mirror padding of the image so that every input tile lies inside the padded image. */
  padding: Padding;
  /** Top-left corners of the tiles in output (= original image) coordinates, row by row. */
  origins: { x: number; y: number }[];
}

/**
 * Overlap-tile layout (paper Fig. 2) for a width x height image.
 *
 * Output tile k starts at k * stride; its input tile starts at the same place in the image
 * padded by the border (inputSize - outputSize) / 2. The stride is the output size rounded down
 * to a multiple of `alignment` (2^depth): then every tile sits on the max-pool grid of one pass
 * over the whole padded image, and the stitched result equals that pass exactly. Neighbouring
 * output tiles overlap by outputSize - stride px (4 px for the paper's 572 -> 388 net); the
 * overlapping values are identical. If the output is smaller than `alignment`, the stride is
 * the output size (coverage still holds, exactness does not).
 */
export function tileLayout(
  width: number,
  height: number,
  inputSize: number,
  outputSize: number,
  alignment: number,
): TileLayout {
  const grid = tileGrid(width, height, inputSize, outputSize, alignment);
  const origins: { x: number; y: number }[] = [];
  for (let ty = 0; ty < grid.tilesY; ty++) {
    for (let tx = 0; tx < grid.tilesX; tx++) origins.push({ x: tx * grid.stride, y: ty * grid.stride });
  }
  return { ...grid, origins };
}

/** `tileLayout` without the origins: no allocation per tile, for counting tiles of many layouts. */
export function tileGrid(
  width: number,
  height: number,
  inputSize: number,
  outputSize: number,
  alignment: number,
): Omit<TileLayout, 'origins'> {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new AppError('invalid_argument', `image size must be positive integers, got ${width}x${height}`);
  }
  const border2 = inputSize - outputSize;
  if (outputSize < 1 || border2 < 0 || border2 % 2 !== 0) {
    throw new AppError('illegal_tile_size', `tile ${inputSize} -> ${outputSize} has no symmetric border`);
  }
  const border = border2 / 2;
  const aligned = Math.floor(outputSize / alignment) * alignment;
  const stride = aligned > 0 ? aligned : outputSize;
  const count = (size: number): number =>
    size <= outputSize ? 1 : 1 + Math.ceil((size - outputSize) / stride);
  const tilesX = count(width);
  const tilesY = count(height);
  const coveredWidth = (tilesX - 1) * stride + outputSize;
  const coveredHeight = (tilesY - 1) * stride + outputSize;
  return {
    inputSize,
    outputSize,
    stride,
    tilesX,
    tilesY,
    padding: {
      left: border,
      top: border,
      right: coveredWidth - width + border,
      bottom: coveredHeight - height + border,
    },
  };
}

/**
 * The legal input tile edge (<= maxInputSize) that segments a width x height image with the
 * least work, measured as tiles x inputSize^2 (every layer's cost grows with the tile area);
 * ties go to the smaller tile. Since stitched tiles equal one whole-image pass, the choice
 * changes speed and memory only, not the result. 512x512 with the paper net: one 700 tile
 * (cost 490k px) instead of four 572 tiles (1.31M px).
 */
export function chooseTileSize(width: number, height: number, depth: number, maxInputSize: number): number {
  let best = 0;
  let bestCost = Number.POSITIVE_INFINITY;
  for (const size of legalInputSizes(depth, 1, maxInputSize)) {
    const outputSize = unetOutputSize(size, depth) as number;
    // Counted, not laid out: a 30000 px slide has tens of millions of the smallest tiles.
    const { tilesX, tilesY } = tileGrid(width, height, size, outputSize, 2 ** depth);
    const cost = tilesX * tilesY * size * size;
    if (cost < bestCost) {
      best = size;
      bestCost = cost;
    }
  }
  if (best === 0) {
    throw new AppError('illegal_tile_size', `no legal tile size up to ${maxInputSize} px for depth ${depth}`);
  }
  return best;
}
