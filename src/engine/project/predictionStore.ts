import { readFile } from 'node:fs/promises';
import { decode } from 'fast-png';
import { AppError } from '../../shared/errors';
import type { Prediction } from '../../shared/imageData';
import { fsError } from '../fsutil/index';
import { readNpy, writeNpy, writePng } from '../image/index';
import { predictedObjects } from '../instances/index';
import { predictionFiles } from './modelPaths';

/** What prediction produces for one image (network classes, foreground probability). */
export interface StoredPrediction {
  width: number;
  height: number;
  classCount: number;
  classes: Uint8Array;
  foreground: Float32Array;
}

/**
 * Writes a prediction of a project image (each file atomically): the class map as an 8-bit
 * PNG and the foreground probability as float32 .npy (the class count is the model's, so
 * readers pass it in; see readPrediction).
 */
export async function writePrediction(
  projectDir: string,
  modelId: string,
  imageId: string,
  p: StoredPrediction,
): Promise<void> {
  const files = predictionFiles(projectDir, modelId, imageId);
  await writeNpy(files.foreground, { shape: [p.height, p.width], data: p.foreground });
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
  const npy = await readNpy(files.foreground);
  if (!(npy.data instanceof Float32Array) || npy.data.length !== width * height) {
    throw new AppError(
      'corrupt_file',
      `${files.foreground} does not hold ${width}x${height} float32 probabilities.`,
    );
  }
  const { labels, count } = predictionObjects(classes, width, height, npy.data);
  return {
    modelId,
    imageId,
    width,
    height,
    classCount,
    classes,
    foreground: npy.data,
    instances: labels,
    objects: count,
  };
}

/**
 * Objects of a class map, ids 1..count (<= 65535): with the foreground probability, touching
 * objects are split by a seeded watershed (instances/predictedObjects); without it, 4-connected
 * patches of one foreground class.
 */
export function predictionObjects(
  classes: Uint8Array,
  width: number,
  height: number,
  foreground?: Float32Array,
): { labels: Uint16Array; count: number } {
  const { labels, count } = predictedObjects(classes, foreground ?? null, width, height, {
    method: foreground === undefined ? 'components' : 'watershed',
  });
  if (count > 65535)
    throw new AppError('too_large', `The prediction holds ${count} objects; at most 65535 fit.`);
  return { labels: Uint16Array.from(labels), count };
}
