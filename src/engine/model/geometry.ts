import { AppError } from '../../shared/errors';
import type { UNetConfig } from './types';

/**
 * Tile geometry of the unpadded U-Net (paper fig. 1). Every 3x3 valid convolution removes 2 px,
 * every 2x2 max-pool halves the size (which must then be even) and every 2x2 up-convolution
 * doubles it. 572 -> 388 for depth 4.
 */

/** Output edge (px) for an input edge `inputSize` at `depth` pooling steps, or null if illegal. */
export function unetOutputSize(inputSize: number, depth: number): number | null {
  if (!Number.isInteger(inputSize) || !Number.isInteger(depth) || depth < 0 || inputSize < 1) return null;
  let size = inputSize;
  for (let level = 0; level < depth; level++) {
    size -= 4; // two valid 3x3 convs
    if (size < 2 || size % 2 !== 0) return null; // 2x2 max-pool needs an even size
    size /= 2;
  }
  size -= 4; // bottom convs
  if (size < 1) return null;
  for (let level = 0; level < depth; level++) {
    size = size * 2 - 4; // up-conv, then two valid 3x3 convs
  }
  return size >= 1 ? size : null;
}

/** All legal input edges in [min, max], ascending. */
export function legalInputSizes(depth: number, min: number, max: number): number[] {
  const sizes: number[] = [];
  for (let size = Math.max(1, Math.ceil(min)); size <= max; size++) {
    if (unetOutputSize(size, depth) !== null) sizes.push(size);
  }
  return sizes;
}

/** Smallest legal input edge for `depth`. */
export function smallestLegalInputSize(depth: number): number {
  // A lower bound: the bottom convs need >= 5 px and each level above needs 2 * s + 4; from
  // there walk up to the first size whose expanding path also stays >= 1 px.
  let size = 5;
  for (let level = 0; level < depth; level++) size = size * 2 + 4;
  while (unetOutputSize(size, depth) === null) size++;
  return size;
}

/**
 * The legal input edge nearest to `size`: 'up' gives the smallest legal >= size, 'down' the
 * largest legal <= size (the smallest legal size when none is that small), no direction the
 * closer of the two (ties go up). Legal sizes are 2^depth apart.
 */
export function nearestLegalInputSize(depth: number, size: number, direction?: 'up' | 'down'): number {
  if (!Number.isFinite(size) || !Number.isInteger(depth) || depth < 0) {
    throw new AppError('invalid_argument', `nearestLegalInputSize: bad size ${size} or depth ${depth}`);
  }
  const smallest = smallestLegalInputSize(depth);
  const step = 2 ** depth;
  // Legal sizes are smallest + k * step.
  const below = size <= smallest ? smallest : smallest + Math.floor((size - smallest) / step) * step;
  const above = size <= smallest ? smallest : below === size ? below : below + step;
  if (direction === 'up') return above;
  if (direction === 'down') return below;
  return size - below < above - size ? below : above;
}

/** Throws AppError('illegal_tile_size') naming the neighbours when `inputSize` is illegal. */
export function assertLegalInputSize(inputSize: number, depth: number): number {
  const out = unetOutputSize(inputSize, depth);
  if (out === null) {
    const down = nearestLegalInputSize(depth, inputSize, 'down');
    const up = nearestLegalInputSize(depth, inputSize, 'up');
    throw new AppError(
      'illegal_tile_size',
      `Tile size ${inputSize} is not legal for a U-Net of depth ${depth} (every max-pool needs an even size); nearest legal sizes: ${down === up ? up : `${down} or ${up}`}`,
    );
  }
  return out;
}

/** One convolution of the network: name (see unet.ts for the naming scheme) and kernel shape. */
export interface LayerSpec {
  name: string;
  kind: 'conv' | 'upconv' | 'head';
  /** conv/head: [kh, kw, in, out]; upconv (tf conv2dTranspose layout): [2, 2, out, in]. */
  kernelShape: [number, number, number, number];
  /** Output channels (= bias length). */
  outChannels: number;
  /** He init fan-in: incoming connections of one output neuron. */
  fanIn: number;
}

/** The convolutions of `config` in forward order with their kernel shapes. */
export function unetLayerSpecs(config: UNetConfig): LayerSpec[] {
  const { depth, baseFilters: f, inputChannels, classes } = config;
  const specs: LayerSpec[] = [];
  const conv = (name: string, inCh: number, outCh: number): void => {
    specs.push({ name, kind: 'conv', kernelShape: [3, 3, inCh, outCh], outChannels: outCh, fanIn: 9 * inCh });
  };
  let channels = inputChannels;
  for (let level = 0; level < depth; level++) {
    const width = f * 2 ** level;
    conv(`enc${level}_conv1`, channels, width);
    conv(`enc${level}_conv2`, width, width);
    channels = width;
  }
  const bottom = f * 2 ** depth;
  conv('bottom_conv1', channels, bottom);
  conv('bottom_conv2', bottom, bottom);
  channels = bottom;
  for (let level = depth - 1; level >= 0; level--) {
    const width = f * 2 ** level;
    // A 2x2 stride-2 up-convolution: each output pixel sees one input pixel, all channels.
    specs.push({
      name: `dec${level}_up`,
      kind: 'upconv',
      kernelShape: [2, 2, width, channels],
      outChannels: width,
      fanIn: channels,
    });
    conv(`dec${level}_conv1`, 2 * width, width); // after concat with the cropped skip
    conv(`dec${level}_conv2`, width, width);
    channels = width;
  }
  specs.push({
    name: 'head',
    kind: 'head',
    kernelShape: [1, 1, channels, classes],
    outChannels: classes,
    fanIn: channels,
  });
  return specs;
}
