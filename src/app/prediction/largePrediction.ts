import { access, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  fsError,
  isLargeImage,
  type ModelPredictor,
  type PredictOptions,
  predictionFolder,
  predictLargeImage,
} from '../../engine/index';
import { AppError } from '../../shared/errors';
import type { ImageEntry } from '../../shared/schemas';

/**
 * Where a model's prediction of an image too large to hold is stored: the class mask as a
 * tiled BigTIFF with a pyramid (0/255 for two classes, else the network class) and one CSV row
 * per object, in the model's prediction folder beside the whole-image predictions.
 */
export function largePredictionPaths(
  projectDir: string,
  modelId: string,
  imageId: string,
): { mask: string; objects: string } {
  const folder = predictionFolder(projectDir, modelId);
  return { mask: join(folder, `${imageId}.mask.tif`), objects: join(folder, `${imageId}.objects.csv`) };
}

/** Whether a model has predicted a large image (both files written; they are written last). */
export async function hasLargePrediction(
  projectDir: string,
  modelId: string,
  imageId: string,
): Promise<boolean> {
  const { mask, objects } = largePredictionPaths(projectDir, modelId, imageId);
  return Promise.all([access(mask), access(objects)]).then(
    () => true,
    () => false,
  );
}

/**
 * Predicts a project image too large to hold, streamed tile by tile from its TIFF
 * (`predictLargeImage`: memory bounded by a band of tiles), into `largePredictionPaths`.
 * Test-time augmentation or a run's channel choice cannot be streamed: 'invalid_argument'
 * saying what to do, before any work.
 */
export async function predictLargeEntry(
  model: ModelPredictor,
  projectDir: string,
  modelId: string,
  entry: Pick<ImageEntry, 'id' | 'name' | 'file' | 'width' | 'height'>,
  channels: readonly number[] | undefined,
  options: PredictOptions,
): Promise<void> {
  const size = `${entry.name} (${entry.width}x${entry.height})`;
  if (options.tta === true)
    throw new AppError(
      'invalid_argument',
      `${size} is predicted tile by tile, without test-time augmentation: turn it off for this image.`,
    );
  if (channels !== undefined)
    throw new AppError(
      'invalid_argument',
      `${size} is predicted tile by tile with all its channels; this model was trained on chosen channels. Use a model trained on all channels.`,
    );
  const folder = predictionFolder(projectDir, modelId);
  await mkdir(folder, { recursive: true }).catch((error: unknown) => {
    throw fsError(error, folder);
  });
  const { mask, objects } = largePredictionPaths(projectDir, modelId, entry.id);
  await predictLargeImage(model, {
    ...options,
    input: join(projectDir, 'images', entry.file),
    maskPath: mask,
    objectsPath: objects,
  });
}

/**
 * 'too_large' for a use of a large image's prediction that needs it whole in memory (`what`:
 * what was asked), naming the files that hold it and what to do instead.
 */
export function refuseWholePrediction(
  projectDir: string,
  modelId: string,
  entry: Pick<ImageEntry, 'id' | 'name' | 'width' | 'height'>,
  what: string,
): void {
  if (!isLargeImage(entry)) return;
  const { mask, objects } = largePredictionPaths(projectDir, modelId, entry.id);
  throw new AppError(
    'too_large',
    `${entry.name} (${entry.width}x${entry.height}) is too large ${what}: its prediction is a tiled mask ` +
      `(${mask}) with its objects in ${objects}; export them from Predict & export, or open the mask in a slide viewer.`,
  );
}
