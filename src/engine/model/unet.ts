import * as tf from '@tensorflow/tfjs';
import { AppError } from '../../shared/errors';
import { assertLegalInputSize, type LayerSpec, unetLayerSpecs } from './geometry';
import type { UNetConfig } from './types';

/** Named float32 weights, keyed `layer/kernel` and `layer/bias` (see the naming below). */
export type NamedWeights = Map<string, { shape: number[]; data: Float32Array }>;

/**
 * A U-Net for one input size. Sizes are static (the crop offsets depend on them); another legal
 * size shares the same variables through `withInputSize`.
 */
export interface UNet {
  config: UNetConfig;
  /** Input tile edge (px). */
  inputSize: number;
  /** Output edge (px): the input minus the border lost to valid convolutions. */
  outputSize: number;
  /**
   * Logits [B, out, out, classes] for x [B, in, in, channels]; caller disposes. training=true
   * enables dropout, whose mask is drawn from `dropoutSeed` when given (reproducible steps, so a
   * resumed run repeats the uninterrupted one exactly).
   */
  apply(x: tf.Tensor4D, training: boolean, dropoutSeed?: number): tf.Tensor4D;
  /** The kernels and biases in layer order (for optimizers). Owned by the UNet. */
  trainableVariables(): tf.Variable[];
  countParams(): number;
  /**
   * A copy of all weights, keyed `layer/kernel`, `layer/bias`, read synchronously: not on the
   * WebGPU backend (AppError 'internal'), which has no synchronous read in Node; use readWeights.
   */
  getWeights(): NamedWeights;
  /** The same copy as getWeights, read asynchronously: works on every backend. */
  readWeights(): Promise<NamedWeights>;
  /** Replaces all weights; AppError('incompatible_model') on a missing key or wrong shape. */
  setWeights(w: NamedWeights): void;
  /** The same weights (shared, not copied) at another legal input size. */
  withInputSize(size: number): UNet;
  /** Frees the variables once every UNet sharing them has been disposed. */
  dispose(): void;
}

/**
 * Layer names (the ONNX exporter and the PyTorch reference rely on them):
 *   enc{L}_conv1, enc{L}_conv2   L = 0..depth-1   3x3 valid conv + ReLU
 *   bottom_conv1, bottom_conv2                    3x3 valid conv + ReLU, then dropout (training)
 *   dec{L}_up                    L = depth-1..0   2x2 stride-2 conv2dTranspose (no activation),
 *                                                 kernel [2, 2, out, in] (tf.conv2dTranspose layout)
 *   dec{L}_conv1, dec{L}_conv2                    3x3 valid conv + ReLU; conv1 reads
 *                                                 concat([centre-cropped enc{L}_conv2, dec{L}_up], channels)
 *   head                                          1x1 conv to classes, logits (no softmax)
 * Conv kernels are [kh, kw, in, out] (channels-last). A hand-written forward over tf.Variables
 * rather than a tf.layers model: one set of variables serves every tile size (overlap-tile
 * prediction uses several) without rebuilding a graph and copying weights, and the names above
 * are ours rather than Keras' auto-numbered ones.
 */
interface Layer {
  spec: LayerSpec;
  kernel: tf.Variable;
  bias: tf.Variable;
}

interface SharedWeights {
  layers: Map<string, Layer>;
  references: number;
}

/**
 * Builds a U-Net with He initialisation (paper: Gaussian N(0, sqrt(2 / fan_in)), not truncated;
 * biases 0). `seed` makes the initial weights reproducible. Throws AppError('illegal_tile_size')
 * for an illegal `inputSize`. Dispose the result.
 */
export function createUNet(config: UNetConfig, inputSize: number, seed?: number): UNet {
  validateConfig(config);
  assertLegalInputSize(inputSize, config.depth);
  const baseSeed = seed ?? Math.floor(Math.random() * 2 ** 31);
  const layers = new Map<string, Layer>();
  unetLayerSpecs(config).forEach((spec, index) => {
    const std = Math.sqrt(2 / spec.fanIn);
    const kernel = tf.tidy(() =>
      tf.variable(tf.randomNormal(spec.kernelShape, 0, std, 'float32', baseSeed + 7919 * index)),
    );
    const bias = tf.tidy(() => tf.variable(tf.zeros([spec.outChannels])));
    layers.set(spec.name, { spec, kernel, bias });
  });
  return makeUNet(config, inputSize, { layers, references: 1 });
}

function validateConfig(config: UNetConfig): void {
  const positive = (value: number, name: string, max: number): void => {
    if (!Number.isInteger(value) || value < 1 || value > max) {
      throw new AppError('invalid_argument', `U-Net ${name} must be an integer in 1..${max}, got ${value}`);
    }
  };
  positive(config.depth, 'depth', 8);
  positive(config.baseFilters, 'baseFilters', 1024);
  positive(config.inputChannels, 'inputChannels', 64);
  positive(config.classes, 'classes', 256);
  if (!(config.dropout >= 0 && config.dropout < 1)) {
    throw new AppError('invalid_argument', `U-Net dropout must be in [0, 1), got ${config.dropout}`);
  }
}

function makeUNet(config: UNetConfig, inputSize: number, shared: SharedWeights): UNet {
  const outputSize = assertLegalInputSize(inputSize, config.depth);
  let disposed = false;
  const layer = (name: string): Layer => {
    if (disposed) throw new AppError('internal', 'U-Net used after dispose()');
    return shared.layers.get(name)!;
  };
  const conv = (x: tf.Tensor4D, name: string, activation: 'relu' | 'linear'): tf.Tensor4D => {
    const { kernel, bias } = layer(name);
    return tf.fused.conv2d({
      x,
      filter: kernel as tf.Tensor4D,
      bias,
      strides: 1,
      pad: 'valid',
      activation,
    });
  };
  const apply = (x: tf.Tensor4D, training: boolean, dropoutSeed?: number): tf.Tensor4D => {
    const [batch, height, width, channels] = x.shape;
    if (height !== inputSize || width !== inputSize || channels !== config.inputChannels) {
      throw new AppError(
        'size_mismatch',
        `U-Net input must be [B, ${inputSize}, ${inputSize}, ${config.inputChannels}], got [${x.shape.join(', ')}]`,
      );
    }
    return tf.tidy(() => {
      const skips: tf.Tensor4D[] = [];
      let h = x;
      for (let level = 0; level < config.depth; level++) {
        h = conv(conv(h, `enc${level}_conv1`, 'relu'), `enc${level}_conv2`, 'relu');
        skips.push(h);
        h = tf.maxPool(h, 2, 2, 'valid');
      }
      h = conv(conv(h, 'bottom_conv1', 'relu'), 'bottom_conv2', 'relu');
      if (training && config.dropout > 0)
        h = tf.dropout(h, config.dropout, undefined, dropoutSeed) as tf.Tensor4D;
      for (let level = config.depth - 1; level >= 0; level--) {
        const up = layer(`dec${level}_up`);
        const size = h.shape[1] * 2;
        const channelsOut = up.spec.outChannels;
        h = tf.add(
          tf.conv2dTranspose(h, up.kernel as tf.Tensor4D, [batch, size, size, channelsOut], 2, 'valid'),
          up.bias,
        );
        const skip = skips[level]!;
        const offset = Math.floor((skip.shape[1] - size) / 2);
        const cropped = tf.slice(skip, [0, offset, offset, 0], [batch, size, size, skip.shape[3]]);
        h = tf.concat([cropped, h], 3) as tf.Tensor4D;
        h = conv(conv(h, `dec${level}_conv1`, 'relu'), `dec${level}_conv2`, 'relu');
      }
      return conv(h, 'head', 'linear');
    });
  };
  const unet: UNet = {
    config: { ...config },
    inputSize,
    outputSize,
    apply,
    trainableVariables: () => [...shared.layers.values()].flatMap((l) => [l.kernel, l.bias]),
    countParams: () => [...shared.layers.values()].reduce((sum, l) => sum + l.kernel.size + l.bias.size, 0),
    getWeights: () => {
      if (tf.getBackend() === 'webgpu') {
        throw new AppError(
          'internal',
          'U-Net weights on the WebGPU backend can only be read with readWeights()',
        );
      }
      const weights: NamedWeights = new Map();
      for (const [name, l] of shared.layers) {
        weights.set(`${name}/kernel`, {
          shape: [...l.kernel.shape],
          data: l.kernel.dataSync() as Float32Array,
        });
        weights.set(`${name}/bias`, { shape: [...l.bias.shape], data: l.bias.dataSync() as Float32Array });
      }
      return weights;
    },
    readWeights: async () => {
      const weights: NamedWeights = new Map();
      for (const [name, l] of shared.layers) {
        weights.set(`${name}/kernel`, {
          shape: [...l.kernel.shape],
          data: (await l.kernel.data()) as Float32Array,
        });
        weights.set(`${name}/bias`, {
          shape: [...l.bias.shape],
          data: (await l.bias.data()) as Float32Array,
        });
      }
      return weights;
    },
    setWeights: (weights) => {
      // Validate everything before assigning anything, so a bad map leaves the model intact.
      const assignments: [tf.Variable, Float32Array][] = [];
      for (const [name, l] of shared.layers) {
        for (const [suffix, variable] of [
          ['kernel', l.kernel],
          ['bias', l.bias],
        ] as const) {
          const key = `${name}/${suffix}`;
          const entry = weights.get(key);
          if (!entry) throw new AppError('incompatible_model', `Weights lack ${key}`);
          if (entry.shape.join(',') !== variable.shape.join(',') || entry.data.length !== variable.size) {
            throw new AppError(
              'incompatible_model',
              `Weight ${key} has shape [${entry.shape.join(', ')}], the architecture needs [${variable.shape.join(', ')}]`,
            );
          }
          assignments.push([variable, entry.data]);
        }
      }
      if (weights.size !== assignments.length) {
        const extra = [...weights.keys()].filter((k) => !shared.layers.has(k.split('/')[0] ?? ''));
        throw new AppError(
          'incompatible_model',
          `Weights hold layers this architecture lacks: ${extra.join(', ')}`,
        );
      }
      for (const [variable, data] of assignments) {
        tf.tidy(() => variable.assign(tf.tensor(data, variable.shape, 'float32')));
      }
    },
    withInputSize: (size) => {
      if (disposed) throw new AppError('internal', 'U-Net used after dispose()');
      const other = makeUNet(config, size, shared);
      shared.references++;
      return other;
    },
    dispose: () => {
      if (disposed) return;
      disposed = true;
      shared.references--;
      if (shared.references === 0) {
        for (const l of shared.layers.values()) {
          l.kernel.dispose();
          l.bias.dispose();
        }
      }
    },
  };
  return unet;
}
