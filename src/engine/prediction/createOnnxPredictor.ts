import { AppError } from '../../shared/errors';
import { assertLegalInputSize } from '../model/index';
import type { UNetConfig } from '../model/types';
import {
  buildOnnxModel,
  type OnnxExecutionProvider,
  OnnxPredictor,
  type OnnxProviderPreference,
  withReadWeights,
} from '../onnx/index';
import { checkTile, type Predictor, type TfUNet } from './Predictor';

export interface OnnxPredictorChoice {
  /** Execution providers to try in order (default: chooseOnnxProviders(provider)). */
  executionProviders?: OnnxExecutionProvider[];
  /** With no `executionProviders`: 'auto' (default: CUDA, WebGPU on a hardware adapter, cpu) or one forced. */
  provider?: OnnxProviderPreference;
  /** Intra-op threads (default: all cores). */
  threads?: number;
}

/**
 * A predictor on onnxruntime-node: exports `unet` to ONNX in memory and opens a session
 * (CUDA where installed, else WebGPU on a hardware adapter, else cpu: chooseOnnxProviders).
 * Where onnxruntime does not load or cannot run the model it
 * throws the AppError; what happens then is `openInferenceBackend`'s choice. Borrows `unet`;
 * `dispose()` releases the onnxruntime session.
 */
export async function createOnnxPredictor(
  unet: TfUNet,
  options: OnnxPredictorChoice = {},
): Promise<Predictor> {
  const session = await OnnxPredictor.create(
    buildOnnxModel(await withReadWeights(unet), { softmax: false }),
    {
      executionProviders: options.executionProviders,
      provider: options.provider,
      threads: options.threads,
    },
  );
  return onnxTilePredictor(unet.config, unet.inputSize, session, true);
}

/** Tiles of `inputSize` on `session` (dynamic H, W); `ownsSession`: dispose() releases it. */
function onnxTilePredictor(
  config: UNetConfig,
  inputSize: number,
  session: OnnxPredictor,
  ownsSession: boolean,
): Predictor {
  const outputSize = assertLegalInputSize(inputSize, config.depth);
  const { inputChannels: channels, classes, depth } = config;
  const inPlane = inputSize * inputSize;
  const outPlane = outputSize * outputSize;
  const runTiles = async (tiles: Float32Array[]): Promise<Float32Array[]> => {
    if (tiles.length === 0) return [];
    // HWC tiles -> one NCHW batch.
    const batch = new Float32Array(tiles.length * inPlane * channels);
    tiles.forEach((tile, n) => {
      checkTile(tile, inPlane * channels, inputSize, channels);
      const base = n * inPlane * channels;
      for (let c = 0; c < channels; c++) {
        const plane = base + c * inPlane;
        for (let p = 0; p < inPlane; p++) batch[plane + p] = tile[p * channels + c];
      }
    });
    const { data, dims } = await session.run(batch, tiles.length, channels, inputSize, inputSize);
    if (dims[1] !== classes || dims[2] !== outputSize || dims[3] !== outputSize) {
      throw new AppError('incompatible_model', `ONNX output [${dims.join(', ')}] does not match the U-Net`);
    }
    // NCHW logits -> HWC per tile.
    return tiles.map((_, n) => {
      const out = new Float32Array(outPlane * classes);
      const base = n * outPlane * classes;
      for (let c = 0; c < classes; c++) {
        const plane = base + c * outPlane;
        for (let p = 0; p < outPlane; p++) out[p * classes + c] = data[plane + p];
      }
      return out;
    });
  };
  return {
    inputSize,
    outputSize,
    channels,
    classes,
    alignment: 2 ** depth,
    backend: session.describe(),
    runTiles,
    runTile: async (tile) => (await runTiles([tile]))[0],
    withInputSize: (size) => onnxTilePredictor(config, size, session, false),
    dispose: async () => {
      if (ownsSession) await session.dispose();
    },
  };
}
