import { AppError } from '../../shared/errors';
import type { ImagePixels } from '../../shared/imageData';
import { isModelPackage, openPackageForPrediction } from '../bioimageio/packageForPrediction';
import type { MultiChannelImage, RasterImage } from '../image/index';
import {
  createUNet,
  loadModelFolder,
  type ModelInputChannel,
  type ModelMetadata,
  type NamedWeights,
  type ResolvedModel,
  resolveModel,
  type UNet,
  type UNetConfig,
} from '../model/index';
import type { StoredPrediction } from '../project/predictionStore';
import { type InferenceBackendOptions, openInferenceBackend } from './inferenceBackend';
import { channelConversion, modelChannelsOf, modelInput } from './modelInput';
import { foregroundOfObjectBorders, foregroundPredictor, predictedClassCount } from './objectBorderOutput';
import type { Predictor } from './Predictor';
import { type PredictImageResult, predictImage } from './predictImage';
import { type PredictedRows, predictStream } from './predictStream';
import type { RegionSource } from './regionSource';
import { streamNormalization } from './streamNormalization';
import { predictImageTta } from './testTimeAugmentation';
import { chooseTileSize } from './tileLayout';

/**
 * A path: a model folder (saveModelFolder), a training run folder (its best model, see
 * resolveModel) or a bioimage.io model package (.zip, or a folder with rdf.yaml); or weights
 * in memory with their metadata (a checkpoint).
 */
export type ModelSource = string | { weights: NamedWeights; metadata: ModelMetadata };

export interface ModelPredictorOptions extends InferenceBackendOptions {
  /**
   * Input tile edge, legal for the model; 'auto' (default) picks per image the legal tile with
   * the least work (`inferenceTileSize`). The result does not depend on it.
   */
  tileSize?: number | 'auto';
  /** Told which model runs (a run folder resolves to its best model), before it loads. */
  onModel?: (model: ResolvedModel) => void;
}

/** Per-image options of `ModelPredictor.predict`. */
export interface PredictOptions {
  /** Shown in errors. */
  name?: string;
  signal?: AbortSignal;
  /** Average the 8 flips and rotations (testTimeAugmentation): 8x the tiles. */
  tta?: boolean;
  onTile?: (done: number, total: number) => void;
  /** predictRegions with percentile normalisation: rows read of the first pass over the image. */
  onFirstPass?: (rowsRead: number, rows: number) => void;
}

/** One image segmented: PredictImageResult plus the tile edge it ran with. */
export interface ImagePrediction extends PredictImageResult {
  width: number;
  height: number;
  /** Input tile edge used (px). */
  tileSize: number;
  /** How the image's channels were converted for the model (channelConversion), if they were. */
  channelNote?: string;
  /**
   * P(object interior) per pixel, of a model that learned object borders (metadata.objectBorders);
   * `probabilities` and `classes` then hold background and foreground (interior + border) only.
   */
  interior?: Float32Array;
}

/** An opened model ready to segment images; `dispose()` frees the session and the weights. */
export interface ModelPredictor {
  /** The U-Net Studio model's metadata; undefined for a bioimage.io package. */
  metadata?: ModelMetadata;
  /** Which model runs and why (for a path source). */
  resolved?: ResolvedModel;
  /** Input channels of the network. */
  channels: number;
  /**
   * The source channels the model takes, when it was trained on chosen ones (its metadata, or
   * a U-Net Studio package's config): `predict` selects them of the image it is given.
   */
  inputChannels?: ModelInputChannel[];
  /** The inference backend that runs, e.g. "onnxruntime-node (cpu, 2 threads)". */
  backend: string;
  /** Why the preferred backend did not run, when inference fell back. */
  note?: string;
  /** Classes of the predictions: the network's, or 2 for a model that learned object borders. */
  classCount: number;
  /** The threaded wasm backend runs: its workers keep Node alive, so a CLI should exit. */
  keepsProcessAlive: boolean;
  /**
   * Segments one image (overlap-tile, normalised as in training); `name` appears in errors,
   * `onTile(done, total)` after each tile; cancelling through `signal` -> AppError('cancelled').
   * A model that names its input channels (`metadata.inputChannels`) takes those of `img`,
   * which then holds all the channels of the image (of any count); otherwise `img` is converted
   * as `modelInput` says.
   */
  predict(img: MultiChannelImage, opts?: PredictOptions): Promise<ImagePrediction>;
  /**
   * Segments an image too big to hold, read region by region (`predictStream`): the same class
   * map as `predict` of the whole image, handed out as full-width bands of rows, top to bottom.
   * Percentile normalisation first reads the image once for its percentiles. Not for model
   * packages or `tta` ('unsupported_format').
   */
  predictRegions(
    source: RegionSource,
    onRows: (rows: PredictedRows) => Promise<void>,
    opts?: PredictOptions,
  ): Promise<{ tiles: number; tileSize: number }>;
  dispose(): Promise<void>;
}

/**
 * Activation budget of an automatic tile: the paper tile (572 px) at twice its 64 base filters.
 * Caps the tile at 809 px for 64 filters, 1618 px for 16; never below the training tile.
 */
const AUTO_TILE_BUDGET = 572 * 572 * 128;

/**
 * The budget of an automatic tile when streaming: a quarter of AUTO_TILE_BUDGET, so that the
 * network's activations (which set the peak memory of a streamed image, its other buffers being
 * small) stay well under a gigabyte: 1144 px for 8 filters, 572 px (the training tile) for 64.
 */
export const STREAM_TILE_BUDGET = AUTO_TILE_BUDGET / 4;

/**
 * The inference tile for a width x height image: the legal tile with the least work
 * (`chooseTileSize`) up to a memory cap from the model's width (`budget`: tile edge^2 x base
 * filters), never below the training tile.
 */
export function inferenceTileSize(
  config: Pick<UNetConfig, 'depth' | 'baseFilters'>,
  trainingTile: number,
  width: number,
  height: number,
  budget = AUTO_TILE_BUDGET,
): number {
  const cap = Math.max(trainingTile, Math.floor(Math.sqrt(budget / config.baseFilters)));
  return chooseTileSize(width, height, config.depth, cap);
}

/**
 * Opens a model for segmentation: loads it (folder or weights), picks where it runs
 * (`openInferenceBackend`) and the tile per image (`inferenceTileSize`, or a fixed one). The one
 * prediction pipeline of the CLI, the app and its previews. The caller disposes the result.
 */
export async function openModelPredictor(
  source: ModelSource,
  options: ModelPredictorOptions = {},
): Promise<ModelPredictor> {
  if (typeof source === 'string' && (await isModelPackage(source))) {
    return openPackagePredictor(source, options);
  }
  const fixedTile = typeof options.tileSize === 'number' ? options.tileSize : undefined;
  let metadata: ModelMetadata | undefined;
  let resolved: ResolvedModel | undefined;
  const load = async (): Promise<UNet> => {
    if (typeof source === 'string') {
      resolved = await resolveModel(source);
      options.onModel?.(resolved);
      const loaded = await loadModelFolder(resolved.folder, fixedTile);
      metadata = loaded.metadata;
      return loaded.unet;
    }
    metadata = source.metadata;
    const unet = createUNet(source.metadata.architecture, fixedTile ?? source.metadata.tileSize);
    try {
      unet.setWeights(source.weights);
    } catch (error) {
      unet.dispose();
      throw error;
    }
    return unet;
  };
  const { unet, predictor, note, keepsProcessAlive } = await openInferenceBackend(load, options);
  const meta = metadata as ModelMetadata;
  // A model that learned object borders is used as a 2-class one (foregroundOfObjectBorders).
  const borders = meta.objectBorders === true;
  return {
    metadata: meta,
    resolved,
    channels: predictor.channels,
    ...(meta.inputChannels === undefined ? {} : { inputChannels: meta.inputChannels }),
    backend: predictor.backend,
    note,
    classCount: predictedClassCount(predictor.classes, borders),
    keepsProcessAlive,
    predict: async (source, opts = {}) => {
      const name = opts.name ?? 'image';
      const img = modelChannelsOf(source, meta.inputChannels, name);
      return predictTiled(
        predictor,
        img,
        modelInput(img, predictor.channels, meta.normalization, name),
        fixedTile ?? inferenceTileSize(unet.config, meta.tileSize, img.width, img.height),
        opts,
        borders,
      ).then((p) => {
        const channelNote = channelConversion(img.channels, predictor.channels);
        return channelNote === undefined ? p : { ...p, channelNote };
      });
    },
    predictRegions: async (source, onRows, opts = {}) => {
      if (opts.tta === true) {
        throw new AppError('unsupported_format', `${source.name}: test-time augmentation is not streamed`);
      }
      if (meta.inputChannels !== undefined) {
        // Regions are read as gray/RGB samples; selecting a model's channels there is not done yet.
        throw new AppError(
          'unsupported_format',
          `${source.name}: a model trained on chosen channels cannot stream an image; predict it whole`,
        );
      }
      const prepare = await streamNormalization(source, predictor.channels, meta.normalization, (rows) =>
        opts.onFirstPass?.(rows, source.height),
      );
      const tileSize =
        fixedTile ??
        inferenceTileSize(unet.config, meta.tileSize, source.width, source.height, STREAM_TILE_BUDGET);
      const sized = tileSize === predictor.inputSize ? predictor : predictor.withInputSize(tileSize);
      try {
        const { tiles } = await predictStream(
          borders ? foregroundPredictor(sized) : sized,
          source,
          prepare,
          onRows,
          {
            signal: opts.signal,
            onTile: opts.onTile,
          },
        );
        return { tiles, tileSize };
      } finally {
        if (sized !== predictor) await sized.dispose();
      }
    },
    dispose: async () => {
      await predictor.dispose();
      unet.dispose();
    },
  };
}

/** A bioimage.io package: its ONNX weights on onnxruntime, with the package's preprocessing. */
async function openPackagePredictor(path: string, options: ModelPredictorOptions): Promise<ModelPredictor> {
  if (options.backend === 'tfjs') {
    throw new AppError(
      'invalid_argument',
      `${path}: a model package runs on onnxruntime only (--backend onnx or auto)`,
    );
  }
  const resolved: ResolvedModel = {
    folder: path,
    kind: 'model',
    description: `${path} (bioimage.io model package)`,
  };
  options.onModel?.(resolved);
  const opened = await openPackageForPrediction(path, {
    tileSize: options.tileSize,
    threads: options.threads,
  });
  const { predictor } = opened;
  const inputChannels = opened.pkg.unetStudio?.inputChannels;
  const borders = opened.pkg.unetStudio?.objectBorders === true && predictor.classes === 3;
  return {
    resolved,
    channels: predictor.channels,
    ...(inputChannels === undefined ? {} : { inputChannels }),
    backend: predictor.backend,
    classCount: predictedClassCount(predictor.classes, borders),
    keepsProcessAlive: false,
    predict: async (source, opts = {}) => {
      const img = modelChannelsOf(source, inputChannels, opts.name ?? 'image');
      return predictTiled(
        predictor,
        img,
        opened.prepare(img, opts.name ?? 'image'),
        opened.tileSizeFor(img.width, img.height),
        opts,
        borders,
      );
    },
    predictRegions: async (source) => {
      throw new AppError(
        'unsupported_format',
        `${source.name}: a bioimage.io package's preprocessing needs the whole image; it cannot be streamed`,
      );
    },
    dispose: () => predictor.dispose(),
  };
}

/**
 * Overlap-tile prediction of a prepared input at `tileSize` (a sized copy of the predictor when
 * needed); the output of a network that learned object borders (`borders`) as background and
 * foreground, with the interior kept (foregroundOfObjectBorders).
 */
async function predictTiled(
  predictor: Predictor,
  img: Pick<MultiChannelImage, 'width' | 'height'>,
  x: Float32Array,
  tileSize: number,
  opts: PredictOptions,
  borders: boolean,
): Promise<ImagePrediction> {
  const sized: Predictor = tileSize === predictor.inputSize ? predictor : predictor.withInputSize(tileSize);
  try {
    const run = opts.tta === true ? predictImageTta : predictImage;
    const result = await run(x, img.width, img.height, predictor.channels, sized, {
      signal: opts.signal,
      onProgress: opts.onTile,
    });
    const output = borders ? foregroundOfObjectBorders(result) : result;
    return { ...output, width: img.width, height: img.height, tileSize };
  } finally {
    if (sized !== predictor) await sized.dispose();
  }
}

/** What the project stores of a prediction: the class map and the foreground probability. */
export function storedPrediction(p: ImagePrediction, classCount: number): StoredPrediction {
  const foreground = foregroundProbability(p.probabilities, classCount);
  const stored = { width: p.width, height: p.height, classCount, classes: p.classes, foreground };
  return p.interior === undefined ? stored : { ...stored, interior: p.interior };
}

/** The foreground probability per pixel of HWC class probabilities: 1 - P(class 0). */
export function foregroundProbability(probabilities: Float32Array, classCount: number): Float32Array {
  const n = probabilities.length / classCount;
  const foreground = new Float32Array(n);
  for (let i = 0; i < n; i++) foreground[i] = 1 - probabilities[i * classCount];
  return foreground;
}

/** A project image's pixels as a raster the pipeline segments; other channel counts -> 'unsupported_format'. */
export function rasterOfPixels(p: ImagePixels): RasterImage {
  if (p.channels !== 1 && p.channels !== 3 && p.channels !== 4) {
    throw new AppError(
      'unsupported_format',
      `Image ${p.imageId} has ${p.channels} channels; 1, 3 or 4 can be segmented.`,
    );
  }
  return { width: p.width, height: p.height, channels: p.channels, bitDepth: p.bitDepth, data: p.data };
}
