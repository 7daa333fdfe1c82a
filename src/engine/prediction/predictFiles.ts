import { mkdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { AppError } from '../../shared/errors';
import { fsError } from '../fsutil/index';
import {
  MAX_IMAGE_PIXELS,
  MAX_IMAGE_SIDE,
  type MultiChannelImage,
  type PixelSize,
  type RasterImage,
  readImage,
  readMicroscopyImage,
  readPixelSize,
  writeNpy,
  writePng,
  writeTiff,
} from '../image/index';
import { type InstanceMethod, predictedObjects } from '../instances/index';
import type { ResolvedModel } from '../model/index';
import type { InferenceBackendChoice } from './inferenceBackend';
import {
  foregroundProbability,
  type ModelPredictor,
  openModelPredictor,
  type PredictOptions,
} from './modelPredictor';
import { predictLargeImage, shouldStream } from './predictLargeImage';

export interface PredictFilesArgs {
  /**
   * Model folder (saveModelFolder), a training run folder (its best model; see resolveModel), or
   * a bioimage.io model package (.zip, or a folder with rdf.yaml).
   */
  model: string;
  /** Image files. */
  inputs: string[];
  outDir: string;
  /** Also write probabilities: 'tif' (float32) or 'npy'; true = 'tif'. */
  probabilities?: boolean | 'tif' | 'npy';
  /**
   * Also write 16-bit instance labels as PNG: true or 'watershed' separates touching objects
   * (instances/predictedObjects), 'components' gives 4-connected patches per class.
   */
  instances?: boolean | InstanceMethod;
  /** Objects smaller than this (px) are left out of the instance labels (default 0: keep all). */
  minObjectArea?: number;
  /** Test-time augmentation: average the 8 flips and rotations (8x the time). */
  tta?: boolean;
  /** Mask format (default 'png'). */
  format?: 'png' | 'tif';
  /**
   * 'auto' (default): onnxruntime, TF.js where it does not load; 'onnx' / 'tfjs' force one;
   * 'webgpu' forces onnxruntime's WebGPU provider (any adapter, even a software one).
   */
  backend?: InferenceBackendChoice;
  /**
   * Input tile edge, legal for the model; 'auto' (default) picks per image the legal tile with
   * the least work (see `inferenceTileSize`) up to a memory cap. The result does not depend on it.
   */
  tileSize?: number | 'auto';
  /** onnxruntime intra-op threads (default: all cores). */
  threads?: number;
  /**
   * Stream big TIFFs region by region (`predictLargeImage`: a tiled BigTIFF mask and an objects
   * CSV, bounded memory): 'auto' (default) above STREAM_PIXELS (unless probabilities, instances
   * or TTA are asked for and the image fits the whole-image path), true always, false never.
   */
  stream?: boolean | 'auto';
  signal?: AbortSignal;
  onProgress?: (p: PredictFilesProgress) => void;
  /** Told which backend runs, before the first image. */
  onBackend?: (backend: string, note?: string) => void;
  /** Told which model runs (a run folder resolves to its best model), before the backend. */
  onModel?: (model: ResolvedModel) => void;
}

export interface PredictFilesProgress {
  image: number;
  images: number;
  tile: number;
  tiles: number;
  file: string;
  /** While a streamed image's percentiles are read (before its first tile): rows read so far. */
  rowsRead?: number;
  rows?: number;
}

export interface PredictFilesResult {
  /** The inference backend that ran, e.g. "onnxruntime-node (cpu, 2 threads)". */
  backend: string;
  /** The model that ran and why. */
  model: ResolvedModel;
  files: PredictedFile[];
  /** The threaded wasm backend ran: its workers keep Node alive, so a CLI should exit. */
  keepsProcessAlive: boolean;
}

export interface PredictedFile {
  input: string;
  mask: string;
  probabilities?: string;
  instances?: string;
  /** Objects CSV of a streamed image (its mask is then a tiled BigTIFF). */
  objects?: string;
  width: number;
  height: number;
  tiles: number;
  /** Input tile edge used (px). */
  tileSize: number;
  seconds: number;
  /** How the image's channels were converted for the model, if they were. */
  channelNote?: string;
}

/**
 * Segments image files with a saved model (overlap-tile, see `predictImage`) and writes, per
 * input, `<base>.png|tif` (class mask: 0/255 for two classes, class indices otherwise), and on
 * request `<base>_prob.tif|npy` (two classes: the foreground probability; more: all classes,
 * HWC) and `<base>_instances.png` (uint16 object ids). AppErrors name the file at fault.
 */
export async function predictFiles(args: PredictFilesArgs): Promise<PredictFilesResult> {
  const bases = args.inputs.map((input) => basename(input, extname(input)));
  const duplicate = bases.find((b, i) => bases.indexOf(b) !== i);
  if (duplicate !== undefined) {
    throw new AppError(
      'conflict',
      `two inputs share the base name "${duplicate}"; their masks would overwrite each other`,
    );
  }
  const model = await openModelPredictor(args.model, {
    backend: args.backend,
    threads: args.threads,
    tileSize: args.tileSize,
    onModel: args.onModel,
  });
  try {
    args.onBackend?.(model.backend, model.note);
    await mkdir(args.outDir, { recursive: true }).catch((error: unknown) => {
      throw fsError(error, args.outDir);
    });
    const files: PredictedFile[] = [];
    for (const [index, input] of args.inputs.entries()) {
      const started = performance.now();
      const onTile = (tile: number, tiles: number) =>
        args.onProgress?.({ image: index, images: args.inputs.length, tile, tiles, file: input });
      const wantsWholeImage = Boolean(args.probabilities || args.instances || args.tta);
      if (await shouldStream(input, args.stream ?? 'auto', wantsWholeImage)) {
        const onFirstPass = (rowsRead: number, rows: number) =>
          args.onProgress?.({
            image: index,
            images: args.inputs.length,
            tile: 0,
            tiles: 0,
            file: input,
            rowsRead,
            rows,
          });
        const streamed = await streamFile(model, args, input, join(args.outDir, bases[index]), {
          onTile,
          onFirstPass,
        });
        files.push({ input, ...streamed, seconds: (performance.now() - started) / 1000 });
        continue;
      }
      const img = await readForModel(input, model);
      const result = await model.predict(img, {
        name: input,
        signal: args.signal,
        tta: args.tta,
        onTile,
      });
      // Masks keep the input's pixel size: TIFF as ImageJ description + resolution tags, PNG
      // as a pHYs chunk.
      const pixelSize = await readPixelSize(input);
      const written = await writeOutputs(
        args,
        join(args.outDir, bases[index]),
        img,
        result,
        model.classCount,
        pixelSize,
      );
      files.push({
        input,
        ...written,
        width: img.width,
        height: img.height,
        tiles: result.tiles,
        tileSize: result.tileSize,
        seconds: (performance.now() - started) / 1000,
        ...(result.channelNote === undefined ? {} : { channelNote: result.channelNote }),
      });
    }
    return {
      backend: model.backend,
      model: model.resolved as ResolvedModel,
      files,
      keepsProcessAlive: model.keepsProcessAlive,
    };
  } finally {
    await model.dispose();
  }
}

/** One big TIFF through `predictLargeImage`; the options it cannot honour are refused first. */
async function streamFile(
  model: ModelPredictor,
  args: PredictFilesArgs,
  input: string,
  stem: string,
  progress: Pick<PredictOptions, 'onTile' | 'onFirstPass'>,
): Promise<Omit<PredictedFile, 'input' | 'seconds'>> {
  const refused = [
    args.probabilities ? '--probabilities' : '',
    args.instances ? '--instances (an objects CSV is written instead)' : '',
    args.tta ? '--tta' : '',
  ].filter(Boolean);
  if (refused.length > 0) {
    throw new AppError(
      'unsupported_format',
      `${input} is streamed (forced, or too big to hold: over ${MAX_IMAGE_SIDE} px a side or ${MAX_IMAGE_PIXELS} px); these options are not streamed: ${refused.join(', ')}`,
    );
  }
  const written = { mask: `${stem}.tif`, objects: `${stem}_objects.csv` };
  const result = await predictLargeImage(model, {
    input,
    maskPath: written.mask,
    objectsPath: written.objects,
    signal: args.signal,
    ...progress,
  });
  const { width, height, tiles, tileSize } = result;
  return { ...written, width, height, tiles, tileSize };
}

/**
 * The pixels of `input` a model segments: all channels of the first (z, t) plane of an OME-TIFF
 * or ImageJ hyperstack (readMicroscopyImage) when the model takes chosen channels
 * (`inputChannels`, which it then selects) or a count other than gray or RGB; otherwise the
 * first page as it is (gray, RGB, RGBA: converted by the model's input).
 */
async function readForModel(input: string, model: ModelPredictor): Promise<MultiChannelImage> {
  const { channels } = model;
  const wantsChannels = model.inputChannels !== undefined || (channels !== 1 && channels !== 3);
  return wantsChannels ? (await readMicroscopyImage(input)).image : readImage(input);
}

async function writeOutputs(
  args: PredictFilesArgs,
  stem: string,
  img: Pick<MultiChannelImage, 'width' | 'height'>,
  result: { probabilities: Float32Array; classes: Uint8Array; interior?: Float32Array },
  classes: number,
  pixelSize?: PixelSize,
): Promise<{ mask: string; probabilities?: string; instances?: string }> {
  const { width, height } = img;
  const maskData = classes === 2 ? result.classes.map((c) => c * 255) : result.classes;
  const mask: RasterImage = { width, height, channels: 1, bitDepth: 8, data: maskData };
  const maskPath = `${stem}.${args.format ?? 'png'}`;
  if (args.format === 'tif') await writeTiff(maskPath, mask, { pixelSize });
  else await writePng(maskPath, mask, { pixelSize });
  const written: { mask: string; probabilities?: string; instances?: string } = { mask: maskPath };
  if (args.probabilities) {
    const format = args.probabilities === 'npy' ? 'npy' : 'tif';
    const path = `${stem}_prob.${format}`;
    const foreground = classes === 2;
    const data = foreground ? everyNth(result.probabilities, 2, 1) : result.probabilities;
    if (format === 'npy') {
      await writeNpy(path, { shape: foreground ? [height, width] : [height, width, classes], data });
    } else {
      if (!foreground && classes !== 3 && classes !== 4) {
        throw new AppError(
          'unsupported_format',
          `a TIFF holds 1, 3 or 4 channels; ${classes} class probabilities need --probabilities npy`,
        );
      }
      const channels = foreground ? 1 : (classes as 3 | 4);
      await writeTiff(path, { width, height, channels, bitDepth: 32, data }, { pixelSize });
    }
    written.probabilities = path;
  }
  if (args.instances) {
    written.instances = `${stem}_instances.png`;
    const method = args.instances === 'components' ? 'components' : 'watershed';
    const foreground = foregroundProbability(result.probabilities, classes);
    await writePng(
      written.instances,
      instanceImage(
        result.classes,
        foreground,
        width,
        height,
        method,
        written.instances,
        args.minObjectArea ?? 0,
        result.interior,
      ),
    );
  }
  return written;
}

/** uint16 object ids of the class map (instances/predictedObjects). */
function instanceImage(
  labels: Uint8Array,
  foreground: Float32Array,
  width: number,
  height: number,
  method: InstanceMethod,
  name: string,
  minArea: number,
  interior?: Float32Array,
): RasterImage {
  const { labels: components, count } = predictedObjects(labels, foreground, width, height, {
    method,
    minArea,
    interior,
  });
  if (count > 65535) {
    throw new AppError('too_large', `${name}: ${count} objects do not fit a 16-bit label image`);
  }
  return { width, height, channels: 1, bitDepth: 16, data: Uint16Array.from(components) };
}

function everyNth(data: Float32Array, stride: number, offset: number): Float32Array {
  const out = new Float32Array(data.length / stride);
  for (let i = 0; i < out.length; i++) out[i] = data[i * stride + offset];
  return out;
}
