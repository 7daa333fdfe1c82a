import * as tf from '@tensorflow/tfjs';
import { AppError } from '../../shared/errors';
import type { OnnxExportSource } from '../onnx/index';

/**
 * Runs a U-Net on square input tiles. Tiles are HWC float32 (inputSize^2 * channels, already
 * normalised); results are logits HWC (outputSize^2 * classes). Call `dispose()` when done.
 */
export interface Predictor {
  inputSize: number;
  outputSize: number;
  /** Input channels the network expects. */
  channels: number;
  classes: number;
  /** Tile strides must be a multiple of this for exact stitching: 2^depth. */
  alignment: number;
  /** Human-readable backend, e.g. "onnxruntime-node (cpu, 2 threads)" or "TensorFlow.js (wasm)". */
  backend: string;
  /** Logits of one tile. */
  runTile(tile: Float32Array): Promise<Float32Array>;
  /** Logits of several tiles in one batch (same order). */
  runTiles(tiles: Float32Array[]): Promise<Float32Array[]>;
  /**
   * The same network at another legal input size (`illegal_tile_size` otherwise), sharing its
   * weights or session. Dispose the view when done; that never frees the shared network.
   */
  withInputSize(size: number): Predictor;
  dispose(): Promise<void>;
}

/** What a TF.js predictor needs of the model area's `UNet` (which satisfies it). */
export interface TfUNet extends OnnxExportSource {
  inputSize: number;
  outputSize: number;
  /** Logits [B, out, out, classes] for x [B, in, in, channels]; caller disposes. */
  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D;
  /** The same weights at another legal input size; dispose the result. */
  withInputSize(size: number): TfUNet & { dispose(): void };
}

/**
 * A predictor on the active TF.js backend (`backend` names it in banners). Borrows `unet`: its
 * `dispose()` does not dispose the network. Tensors are freed per batch.
 */
export function createTfPredictor(unet: TfUNet, backend = `TensorFlow.js (${tf.getBackend()})`): Predictor {
  const { inputSize, outputSize } = unet;
  const { inputChannels: channels, classes, depth } = unet.config;
  const tileLength = inputSize * inputSize * channels;
  const runTiles = async (tiles: Float32Array[]): Promise<Float32Array[]> => {
    if (tiles.length === 0) return [];
    const batch = new Float32Array(tiles.length * tileLength);
    tiles.forEach((tile, i) => {
      checkTile(tile, tileLength, inputSize, channels);
      batch.set(tile, i * tileLength);
    });
    const logits = tf.tidy(() =>
      unet.apply(tf.tensor4d(batch, [tiles.length, inputSize, inputSize, channels]), false),
    );
    try {
      const data = await logits.data<'float32'>();
      const outLength = outputSize * outputSize * classes;
      return tiles.map((_, i) => data.slice(i * outLength, (i + 1) * outLength));
    } finally {
      logits.dispose();
    }
  };
  return {
    inputSize,
    outputSize,
    channels,
    classes,
    alignment: 2 ** depth,
    backend,
    runTiles,
    runTile: async (tile) => (await runTiles([tile]))[0],
    withInputSize: (size) => {
      const sized = unet.withInputSize(size);
      return { ...createTfPredictor(sized, backend), dispose: async () => sized.dispose() };
    },
    dispose: async () => {},
  };
}

/** Throws AppError('size_mismatch') unless `tile` holds inputSize^2 * channels samples. */
export function checkTile(tile: Float32Array, length: number, inputSize: number, channels: number): void {
  if (tile.length !== length) {
    throw new AppError(
      'size_mismatch',
      `tile has ${tile.length} samples, expected ${inputSize}x${inputSize}x${channels} = ${length}`,
    );
  }
}
