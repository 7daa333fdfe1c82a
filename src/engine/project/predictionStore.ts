import { readFile, rm } from 'node:fs/promises';
import { decode } from 'fast-png';
import { AppError } from '../../shared/errors';
import type { Prediction } from '../../shared/imageData';
import { fsError } from '../fsutil/index';
import { type NpyArray, readNpy, writeNpy, writePng } from '../image/index';
import { predictedObjects } from '../instances/index';
import { predictionFiles } from './modelPaths';

/** What prediction produces for one image (network classes, foreground probability). */
export interface StoredPrediction {
  width: number;
  height: number;
  classCount: number;
  classes: Uint8Array;
  foreground: Float32Array;
  /** P(object interior), when the model learned object borders (ImagePrediction.interior). */
  interior?: Float32Array;
}

/**
 * Writes a prediction of a project image (each file atomically): the class map as an 8-bit
 * PNG, the foreground probability as float32 .npy and, of a model that learned object borders,
 * P(object interior) as float32 .npy; an interior file of an earlier prediction is removed when
 * this one has none. The class map comes last: it is what says the image is predicted
 * (hasPrediction). The class count is the model's, so readers pass it in (see readPrediction).
 */
export async function writePrediction(
  projectDir: string,
  modelId: string,
  imageId: string,
  p: StoredPrediction,
): Promise<void> {
  const files = predictionFiles(projectDir, modelId, imageId);
  await writeNpy(files.foreground, { shape: [p.height, p.width], data: p.foreground });
  if (p.interior !== undefined) {
    await writeNpy(files.interior, { shape: [p.height, p.width], data: p.interior });
  } else {
    await rm(files.interior, { force: true }).catch((error: unknown) => {
      throw fsError(error, files.interior);
    });
  }
  await writePng(files.classes, {
    width: p.width,
    height: p.height,
    channels: 1,
    bitDepth: 8,
    data: p.classes,
  });
}

/** True when a prediction of the image by the model is stored. */
export async function hasPrediction(projectDir: string, modelId: string, imageId: string): Promise<boolean> {
  try {
    await readFile(predictionFiles(projectDir, modelId, imageId).classes);
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads a stored prediction, with its objects (touching objects separated: see predictionObjects).
 * Not predicted yet -> 'not_found'; a damaged file -> 'corrupt_file' naming it.
 */
export async function readPrediction(
  projectDir: string,
  modelId: string,
  imageId: string,
  classCount: number,
): Promise<Prediction> {
  const files = predictionFiles(projectDir, modelId, imageId);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(files.classes);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new AppError('not_found', `Image ${imageId} has not been predicted with model ${modelId} yet.`);
    }
    throw fsError(error, files.classes);
  }
  let png: ReturnType<typeof decode>;
  try {
    png = decode(bytes, { checkCrc: true });
  } catch (error) {
    throw new AppError('corrupt_file', `${files.classes} is damaged (${String(error)}).`);
  }
  const { width, height } = png;
  if (png.channels !== 1 || png.depth !== 8) {
    throw new AppError('corrupt_file', `${files.classes} is not an 8-bit single-channel class map.`);
  }
  const classes = Uint8Array.from(png.data);
  const foreground = checkProbabilities(await readNpy(files.foreground), files.foreground, width, height);
  const interior = await readInterior(files.interior, width, height);
  const { labels, count } = predictionObjects(classes, width, height, foreground, interior);
  return {
    modelId,
    imageId,
    width,
    height,
    classCount,
    classes,
    foreground,
    instances: labels,
    objects: count,
  };
}

/**
 * The stored P(object interior) of a prediction (`<imageId>.interior.npy`); undefined when there
 * is none (a model without object borders). A file that is there but not width x height float32
 * values -> 'corrupt_file' naming it.
 */
export async function readInterior(
  path: string,
  width: number,
  height: number,
): Promise<Float32Array | undefined> {
  let npy: NpyArray;
  try {
    npy = await readNpy(path);
  } catch (error) {
    if (error instanceof AppError && error.code === 'not_found') return undefined;
    if (error instanceof AppError && error.code === 'unsupported_format')
      throw new AppError('corrupt_file', error.message);
    throw error;
  }
  return checkProbabilities(npy, path, width, height);
}

/** The float32 width x height probabilities of a .npy, else 'corrupt_file' naming `path`. */
function checkProbabilities(npy: NpyArray, path: string, width: number, height: number): Float32Array {
  if (!(npy.data instanceof Float32Array) || npy.data.length !== width * height) {
    throw new AppError('corrupt_file', `${path} does not hold ${width}x${height} float32 probabilities.`);
  }
  return npy.data;
}

/**
 * Objects of a class map, ids 1..count (<= 65535): with the foreground probability, touching
 * objects are split by a seeded watershed (instances/predictedObjects), along the predicted
 * object borders when `interior` (P(object interior), a model that learned them) is given;
 * without either, 4-connected patches of one foreground class.
 */
export function predictionObjects(
  classes: Uint8Array,
  width: number,
  height: number,
  foreground?: Float32Array,
  interior?: Float32Array,
): { labels: Uint16Array; count: number } {
  const { labels, count } = storedObjects(classes, width, height, foreground, interior, 0);
  if (count > 65535)
    throw new AppError('too_large', `The prediction holds ${count} objects; at most 65535 fit.`);
  return { labels: Uint16Array.from(labels), count };
}

/**
 * Objects of a stored prediction, as predictionObjects splits them (no bound on the count): the
 * watershed where a probability is stored (along the predicted borders with `interior`), else
 * 4-connected patches; objects under `minArea` px dropped.
 */
export function storedObjects(
  classes: Uint8Array,
  width: number,
  height: number,
  foreground: Float32Array | undefined,
  interior: Float32Array | undefined,
  minArea: number,
): { labels: Int32Array; count: number } {
  const watershed = foreground !== undefined || interior !== undefined;
  return predictedObjects(classes, foreground ?? null, width, height, {
    method: watershed ? 'watershed' : 'components',
    interior: interior ?? null,
    minArea,
  });
}
