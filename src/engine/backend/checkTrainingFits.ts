import { legalInputSizes, unetLayerSpecs, unetOutputSize } from '../model/geometry';
import { PRESETS } from '../model/presets';
import type { UNetConfig } from '../model/types';
import { WASM_HEAP_BYTES } from './initBackend';
import type { BackendInfo } from './types';

const FLOAT = 4;
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/**
 * Bytes one training step of `config` at `tile` x `tile`, batch `batch` holds at its peak
 * (float32): the forward activations the tape keeps for the backward pass (every conv output,
 * pool, up-conv, cropped skip, concat, dropout mask, the loss terms), and about 3.3x that
 * again for the gradients (tf.grads keeps them until the step ends) and fused-ReLU masks:
 * measured peaks are 4.3-4.9x the activations, so 5.5x is used; plus the
 * largest gradient-kernel workspace (a channel-major copy plus one shifted window of the
 * largest conv input), and weights + gradients + two optimiser slots (Adam; SGD momentum
 * uses one). Calibrated against tf.profile's peakBytes (see checkTrainingFits.test.ts).
 */
export function estimateTrainingBytes(config: UNetConfig, tile: number, batch: number): number {
  return stepFootprint(config, tile, batch).bytes;
}

/**
 * Bytes of the largest single tensor of a training step (float32): the largest convolution
 * input, i.e. the first level's feature map or the concatenated skip + up-conv at the top of the
 * decoder (their gradients have the same size). On WebGPU each tensor is one buffer, which must
 * fit the adapter's maxBufferSize and maxStorageBufferBindingSize.
 */
export function largestTrainingTensorBytes(config: UNetConfig, tile: number, batch: number): number {
  return stepFootprint(config, tile, batch).largestTensorBytes;
}

function stepFootprint(
  config: UNetConfig,
  tile: number,
  batch: number,
): { bytes: number; largestTensorBytes: number } {
  const { depth, baseFilters: f, inputChannels, classes } = config;
  let activations = tile * tile * inputChannels;
  let largestConvInput = activations;
  const conv = (size: number, inChannels: number, outChannels: number): number => {
    largestConvInput = Math.max(largestConvInput, size * size * inChannels);
    activations += (size - 2) * (size - 2) * outChannels;
    return size - 2;
  };
  let size = tile;
  let channels = inputChannels;
  for (let level = 0; level < depth; level++) {
    const width = f * 2 ** level;
    size = conv(conv(size, channels, width), width, width);
    size /= 2;
    activations += size * size * width; // max-pool output
    channels = width;
  }
  size = conv(conv(size, channels, f * 2 ** depth), f * 2 ** depth, f * 2 ** depth);
  activations += 2 * size * size * f * 2 ** depth; // dropout mask + output
  channels = f * 2 ** depth;
  for (let level = depth - 1; level >= 0; level--) {
    const width = f * 2 ** level;
    size *= 2;
    activations += size * size * width * 4; // up-conv output, cropped skip, concat (2x)
    size = conv(conv(size, 2 * width, width), width, width);
    channels = width;
  }
  activations += size * size * (classes * 6 + 4); // head, logSoftmax, one-hot, products, weights
  const params = unetLayerSpecs(config).reduce(
    (sum, l) => sum + l.kernelShape.reduce((a, b) => a * b, 1) + l.outChannels,
    0,
  );
  const workspace = 2 * largestConvInput;
  return {
    bytes: Math.ceil(batch * FLOAT * (5.5 * activations + workspace) + FLOAT * 4 * params),
    largestTensorBytes: batch * FLOAT * largestConvInput,
  };
}

/**
 * Whether a training step fits the backend's memory, decided before training starts.
 * On wasm the limit is the 4 GiB heap; elsewhere the reported GPU memory or system RAM (a GPU
 * whose memory cannot be found out is not limited here). On WebGPU the largest tensor must
 * also fit one buffer of the adapter. When it does not fit, `advice` names the largest legal
 * tile that fits for this architecture, batch 1, and whether the fast preset would.
 */
export function checkTrainingFits(
  info: BackendInfo,
  config: UNetConfig,
  tile: number,
  batch: number,
): { fits: boolean; estimatedBytes: number; limitBytes: number; advice?: string } {
  const limitBytes =
    info.memoryLimitBytes ?? (info.name === 'wasm' ? WASM_HEAP_BYTES : Number.MAX_SAFE_INTEGER);
  const bufferBytes = info.adapter
    ? Math.min(info.adapter.maxBufferSize, info.adapter.maxStorageBufferBindingSize)
    : Number.MAX_SAFE_INTEGER;
  // Keep 15% for allocator fragmentation and tensors outside the step (data, other models).
  const usable = limitBytes * 0.85;
  const fits = (c: UNetConfig, t: number, b: number): boolean => {
    const step = stepFootprint(c, t, b);
    return step.bytes <= usable && step.largestTensorBytes <= bufferBytes;
  };
  const step = stepFootprint(config, tile, batch);
  const estimatedBytes = step.bytes;
  if (fits(config, tile, batch)) return { fits: true, estimatedBytes, limitBytes };
  const legal = legalInputSizes(config.depth, 1, tile).reverse();
  const fittingTile = legal.find((t) => unetOutputSize(t, config.depth) !== null && fits(config, t, batch));
  const fast = PRESETS.fast;
  const fastFits = fits(fast.architecture, fast.tileSize, 1);
  const where =
    info.name === 'wasm'
      ? 'the 4 GiB WebAssembly heap'
      : `${(limitBytes / GiB).toFixed(1)} GiB of ${info.name === 'tensorflow-gpu' || info.name === 'webgpu' ? 'GPU' : 'system'} memory`;
  const options = [
    fittingTile ? `a tile of ${fittingTile} px or smaller${batch > 1 ? ` (batch ${batch})` : ''}` : null,
    batch > 1 ? 'batch 1' : null,
    fastFits ? `the fast preset (${fast.architecture.baseFilters} filters, ${fast.tileSize} tile)` : null,
    info.name === 'wasm' || info.name === 'cpu'
      ? 'a GPU (WebGPU, or @tensorflow/tfjs-node-gpu with CUDA)'
      : null,
  ].filter((o): o is string => o !== null);
  const need =
    step.largestTensorBytes > bufferBytes
      ? `one tensor of ${(step.largestTensorBytes / MiB).toFixed(0)} MiB, more than the largest buffer ${info.description} allows (${(bufferBytes / MiB).toFixed(0)} MiB)`
      : `about ${(estimatedBytes / GiB).toFixed(1)} GiB, more than ${where} holds`;
  const advice = `A training step at a ${tile} px tile, batch ${batch}, needs ${need}. Use ${options.join(', or ')}.`;
  return { fits: false, estimatedBytes, limitBytes, advice };
}
