import { AppError } from '../../shared/errors';
import type { MultiChannelImage } from '../image/index';
import { type OnnxExecutionProvider, OnnxPredictor } from '../onnx/index';
import type { Predictor } from '../prediction/Predictor';
import { tileLayout } from '../prediction/tileLayout';
import { pixelsWithChannels } from '../training/normalization';
import type { AxisName, ModelPackage } from './openModelPackage';
import { applyProcessing } from './preprocessing';

/** Smallest probability turned into a log: keeps log-probabilities finite. */
const MIN_PROBABILITY = 1e-7;

/**
 * The network input of an image for a package: channels converted to the package's (RGB ->
 * gray as the channel mean, gray -> RGB repeated, as training does), then the package's
 * preprocessing on the whole image (per-image statistics such as zero_mean_unit_variance see
 * the whole image, not a tile). Returns float32 HWC.
 */
export function packageModelInput(img: MultiChannelImage, pkg: ModelPackage, name: string): Float32Array {
  const channels = pkg.channels;
  const pixels = pixelsWithChannels(img, channels, name);
  return applyProcessing(pkg.preprocessing, pixels, channels);
}

/** Whether `size` is a legal input edge of the package. */
export function isLegalPackageSize(pkg: ModelPackage, size: number): boolean {
  const { min, step } = pkg.inputSize;
  if (step === 0) return size === min;
  return Number.isInteger(size) && size >= min && (size - min) % step === 0;
}

/** Output edge after the halo is cropped, for input edge `size`. */
export function packageOutputSize(pkg: ModelPackage, size: number): number {
  return size + pkg.outputOffset - 2 * pkg.halo;
}

/**
 * The legal input edge (<= maxInputSize, at least the smallest legal) with the least work for a
 * width x height image, measured as tiles x edge^2 as `chooseTileSize` does for our U-Nets.
 */
export function choosePackageTileSize(
  pkg: ModelPackage,
  width: number,
  height: number,
  maxInputSize: number,
): number {
  const { min, step } = pkg.inputSize;
  let best = min;
  let bestCost = Number.POSITIVE_INFINITY;
  for (let size = min; size <= Math.max(min, maxInputSize); size += step || Number.POSITIVE_INFINITY) {
    const out = packageOutputSize(pkg, size);
    if (out < 1) continue;
    const cost = tileLayout(width, height, size, out, alignmentOf(pkg)).origins.length * size * size;
    if (cost < bestCost) {
      best = size;
      bestCost = cost;
    }
  }
  return best;
}

/**
 * A Predictor over a package's ONNX weights at input edge `inputSize`: tiles are laid out in
 * the package's axis order, the output's halo is cropped, its postprocessing applied, and
 * probabilities become log-probabilities (one probability channel p: [log(1 - p), log p]) so
 * that the overlap-tile pipeline's softmax gives them back. `dispose()` releases the session.
 */
export async function createPackagePredictor(
  pkg: ModelPackage,
  options: { inputSize: number; threads?: number; executionProviders?: OnnxExecutionProvider[] },
): Promise<Predictor> {
  const session = await OnnxPredictor.create(pkg.onnx, {
    input: pkg.inputName,
    output: pkg.outputName,
    threads: options.threads,
    executionProviders: options.executionProviders,
  });
  return packageTilePredictor(pkg, options.inputSize, session, true);
}

function packageTilePredictor(
  pkg: ModelPackage,
  inputSize: number,
  session: OnnxPredictor,
  ownsSession: boolean,
): Predictor {
  if (!isLegalPackageSize(pkg, inputSize)) {
    const { min, step } = pkg.inputSize;
    throw new AppError(
      'illegal_tile_size',
      `Tile size ${inputSize} is not legal for ${pkg.source} (${step ? `${min} + k * ${step}` : `only ${min}`})`,
    );
  }
  const outputSize = packageOutputSize(pkg, inputSize);
  if (outputSize < 1 || (inputSize - outputSize) % 2 !== 0) {
    throw new AppError(
      'illegal_tile_size',
      `Tile size ${inputSize} leaves no output after the halo of ${pkg.source}`,
    );
  }
  const channels = pkg.channels;
  const raw = pkg.outputChannels;
  const classes = raw === 1 ? 2 : raw;
  const rawEdge = inputSize + pkg.outputOffset;
  const runTile = async (tile: Float32Array): Promise<Float32Array> => {
    if (tile.length !== inputSize * inputSize * channels) {
      throw new AppError(
        'size_mismatch',
        `tile has ${tile.length} samples, expected ${inputSize}x${inputSize}x${channels}`,
      );
    }
    const inDims = dimsOf(pkg.inputAxes, channels, inputSize);
    const input = new Float32Array(inputSize * inputSize * channels);
    const inStrides = strides(pkg.inputAxes, inDims);
    for (let y = 0; y < inputSize; y++)
      for (let x = 0; x < inputSize; x++)
        for (let c = 0; c < channels; c++)
          input[y * inStrides.y + x * inStrides.x + c * inStrides.channel] =
            tile[(y * inputSize + x) * channels + c];
    const { data, dims } = await session.runTensor(input, inDims);
    const expected = dimsOf(pkg.outputAxes, raw, rawEdge);
    if (dims.join() !== expected.join()) {
      throw new AppError(
        'incompatible_model',
        `${pkg.source}: output [${dims.join(', ')}], rdf.yaml describes [${expected.join(', ')}]`,
      );
    }
    const outStrides = strides(pkg.outputAxes, dims);
    const values = new Float32Array(outputSize * outputSize * raw);
    for (let y = 0; y < outputSize; y++)
      for (let x = 0; x < outputSize; x++)
        for (let c = 0; c < raw; c++) {
          values[(y * outputSize + x) * raw + c] =
            data[(y + pkg.halo) * outStrides.y + (x + pkg.halo) * outStrides.x + c * outStrides.channel];
        }
    applyProcessing(pkg.postprocessing, values, raw);
    return toLogits(values, raw, pkg.outputIsProbability);
  };
  return {
    inputSize,
    outputSize,
    channels,
    classes,
    alignment: alignmentOf(pkg),
    backend: session.describe(),
    runTile,
    runTiles: async (tiles) => {
      const out: Float32Array[] = [];
      for (const tile of tiles) out.push(await runTile(tile));
      return out;
    },
    withInputSize: (size) => packageTilePredictor(pkg, size, session, false),
    dispose: async () => {
      if (ownsSession) await session.dispose();
    },
  };
}

/** Tile strides that keep stitching exact: 2^depth for our U-Nets, the size step otherwise. */
function alignmentOf(pkg: ModelPackage): number {
  return pkg.unetStudio ? 2 ** pkg.unetStudio.architecture.depth : Math.max(1, pkg.inputSize.step);
}

function dimsOf(axes: AxisName[], channels: number, edge: number): number[] {
  return axes.map((a) => (a === 'batch' ? 1 : a === 'channel' ? channels : edge));
}

/** Element strides of each named axis (0 for an axis the tensor lacks). */
function strides(axes: AxisName[], dims: number[]): Record<AxisName, number> {
  const out: Record<AxisName, number> = { batch: 0, channel: 0, y: 0, x: 0 };
  let stride = 1;
  for (let i = axes.length - 1; i >= 0; i--) {
    out[axes[i]] = stride;
    stride *= dims[i];
  }
  return out;
}

function toLogits(values: Float32Array, raw: number, isProbability: boolean): Float32Array {
  const log = (p: number) => Math.log(Math.min(1, Math.max(MIN_PROBABILITY, p)));
  if (raw > 1) return isProbability ? values.map(log) : values;
  const out = new Float32Array(values.length * 2);
  for (let i = 0; i < values.length; i++) {
    if (isProbability) {
      out[i * 2] = log(1 - values[i]);
      out[i * 2 + 1] = log(values[i]);
    } else {
      out[i * 2 + 1] = values[i]; // a foreground logit v: softmax([0, v]) = sigmoid(v)
    }
  }
  return out;
}
