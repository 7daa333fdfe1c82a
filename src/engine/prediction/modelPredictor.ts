import { AppError } from '../../shared/errors';
import type { ImagePixels } from '../../shared/imageData';
import type { RasterImage } from '../image/index';
import {
  createUNet,
  loadModelFolder,
  type ModelMetadata,
  type NamedWeights,
  nearestLegalInputSize,
  type UNet,
  unetOutputSize,
} from '../model/index';
import type { StoredPrediction } from '../project/predictionStore';
import { createOnnxPredictor } from './createOnnxPredictor';
import { modelInput } from './modelInput';
import type { Predictor } from './Predictor';
import { predictImage } from './predictImage';

/** An opened model ready to segment images; `dispose()` frees the session and the weights. */
export interface ModelPredictor {
  metadata: ModelMetadata;
  backend: string;
  classCount: number;
  /** Segments one image (overlap-tile); `onTile(done, total)` after each tile. */
  predict(
    pixels: ImagePixels,
    opts?: { signal?: AbortSignal; onTile?: (done: number, total: number) => void },
  ): Promise<StoredPrediction>;
  dispose(): Promise<void>;
}

/** Inference tile edge cap (px) for models with at most 32 base filters (activations stay < ~1 GiB). */
const LARGE_TILE = 1024;

/**
 * Inference tile for images up to `maxSide`: one tile covering the image where that is
 * moderate (small models), else the training tile. Larger tiles waste less on the overlap.
 */
export function inferenceTileSize(metadata: ModelMetadata, maxSide: number): number {
  const { depth, baseFilters } = metadata.architecture;
  // Border lost to valid convolutions (input - output), the same at every legal size.
  const border = metadata.tileSize - (unetOutputSize(metadata.tileSize, depth) ?? 0);
  const cap = baseFilters <= 32 ? LARGE_TILE : metadata.tileSize;
  const wanted = Math.min(cap, maxSide + border);
  return Math.max(metadata.tileSize, nearestLegalInputSize(depth, wanted, 'up'));
}

/**
 * Loads a model folder for images up to `maxSide` px and opens an onnxruntime session (TF.js on
 * the active backend where onnxruntime cannot run it). The caller disposes the result.
 */
export async function openModelPredictor(dir: string, maxSide: number): Promise<ModelPredictor> {
  const probe = await loadModelFolder(dir);
  const tile = inferenceTileSize(probe.metadata, maxSide);
  probe.unet.dispose();
  const { unet, metadata } = await loadModelFolder(dir, tile);
  return predictorOf(unet, metadata);
}

/** The same for weights in memory (a training checkpoint); the caller disposes the result. */
export async function openWeightsPredictor(
  weights: NamedWeights,
  metadata: ModelMetadata,
  maxSide: number,
): Promise<ModelPredictor> {
  const unet = createUNet(metadata.architecture, inferenceTileSize(metadata, maxSide));
  try {
    unet.setWeights(weights);
  } catch (error) {
    unet.dispose();
    throw error;
  }
  return predictorOf(unet, metadata);
}

async function predictorOf(unet: UNet, metadata: ModelMetadata): Promise<ModelPredictor> {
  let predictor: Predictor;
  try {
    predictor = await createOnnxPredictor(unet, { fallback: true });
  } catch (error) {
    unet.dispose();
    throw error;
  }
  const classCount = predictor.classes;
  return {
    metadata,
    backend: predictor.backend,
    classCount,
    predict: async (pixels, opts = {}) => {
      const raster = toRaster(pixels);
      const x = modelInput(raster, predictor.channels, metadata.normalization, pixels.imageId);
      const result = await predictImage(x, raster.width, raster.height, predictor.channels, predictor, {
        signal: opts.signal,
        onProgress: opts.onTile,
      });
      const n = raster.width * raster.height;
      const foreground = new Float32Array(n);
      // Foreground = any class but background: 1 - P(class 0).
      for (let i = 0; i < n; i++) foreground[i] = 1 - result.probabilities[i * classCount];
      return { width: raster.width, height: raster.height, classCount, classes: result.classes, foreground };
    },
    dispose: async () => {
      await predictor.dispose();
      unet.dispose();
    },
  };
}

function toRaster(p: ImagePixels): RasterImage {
  if (p.channels !== 1 && p.channels !== 3 && p.channels !== 4) {
    throw new AppError(
      'unsupported_format',
      `Image ${p.imageId} has ${p.channels} channels; 1, 3 or 4 can be segmented.`,
    );
  }
  return { width: p.width, height: p.height, channels: p.channels, bitDepth: p.bitDepth, data: p.data };
}
