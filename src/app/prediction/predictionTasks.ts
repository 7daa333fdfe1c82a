import { basename, join } from 'node:path';
import {
  isLargeImage,
  listImages,
  modelFolder,
  openModelPredictor,
  predictFiles,
  predictionFolder,
  readEntryImage,
  storedPrediction,
  writePrediction,
} from '../../engine/index';
import { AppError } from '../../shared/errors';
import type { PredictionResult } from '../../shared/jobs';
import type { ImageEntry } from '../../shared/schemas';
import { modelInfo } from '../models/modelCatalog';
import { modelChannels } from '../models/modelChannels';
import { predictLargeEntry } from './largePrediction';
import type { PredictionEmitter } from './predictionJobs';

/** Minimum time between progress events (at most every ~100-200 ms, like training's). */
const PROGRESS_MS = 150;

function throttled(emit: PredictionEmitter): PredictionEmitter {
  let last = Number.NEGATIVE_INFINITY;
  return (event) => {
    const now = performance.now();
    if (event.kind === 'progress' && now - last < PROGRESS_MS && event.fraction !== 1) return;
    last = now;
    emit(event);
  };
}

/** Project images to predict: what is needed to read each one from the project folder. */
export interface PredictImagesTask {
  projectDir: string;
  jobId: string;
  modelId: string;
  /**
   * With `plane` for a hyperstack plane (all its channels are read); with their size, images too
   * large to hold are streamed (see largePrediction).
   */
  images: (Pick<ImageEntry, 'id' | 'name' | 'file' | 'page'> &
    Partial<Pick<ImageEntry, 'plane' | 'width' | 'height'>>)[];
  /** Test-time augmentation: the mean of the 8 flips and rotations (8x the time). */
  tta?: boolean;
}

/**
 * Predicts project images with a model and stores each prediction (predictions/<modelId>/).
 * Reads the copied originals itself (they never change), so it runs wherever the project
 * folder is readable. Progress: step = images done, fraction counts tiles within the image.
 */
export async function predictProjectImages(
  task: PredictImagesTask,
  signal: AbortSignal,
  emit: PredictionEmitter,
): Promise<PredictionResult> {
  const { projectDir, jobId, modelId, images } = task;
  const tta = task.tta === true;
  const model = await openModelPredictor(modelFolder(projectDir, modelId));
  // A model that names its channels selects them of the whole image itself; an older run's
  // model takes the channels its run.json chose.
  const channels = model.inputChannels === undefined ? await modelChannels(projectDir, modelId) : undefined;
  const progress = throttled(emit);
  try {
    emit({
      kind: 'started',
      jobId,
      at: new Date().toISOString(),
      backend: model.backend,
      detail: [
        `predict ${images.length} image(s) with ${modelId}`,
        tta ? 'test-time augmentation: 8 passes each' : undefined,
        model.note,
      ]
        .filter(Boolean)
        .join('; '),
    });
    for (const [index, entry] of images.entries()) {
      if (signal.aborted) throw new AppError('cancelled', 'prediction cancelled');
      const onTile = (done: number, total: number) =>
        progress({
          kind: 'progress',
          jobId,
          step: index,
          totalSteps: images.length,
          fraction: (index + done / total) / images.length,
          message: entry.name,
        });
      const { width, height } = entry;
      if (width !== undefined && height !== undefined && isLargeImage({ width, height })) {
        // Streamed from its TIFF to a tiled mask and an objects CSV, never held whole.
        await predictLargeEntry(model, projectDir, modelId, { ...entry, width, height }, channels, {
          name: entry.name,
          signal,
          tta,
          onTile,
        });
        progress({
          kind: 'progress',
          jobId,
          step: index + 1,
          totalSteps: images.length,
          fraction: (index + 1) / images.length,
          message: entry.name,
        });
        continue;
      }
      const img = await readEntryImage(projectDir, entry, channels);
      const predicted = await model.predict(img, { name: entry.name, signal, tta, onTile });
      await writePrediction(projectDir, modelId, entry.id, storedPrediction(predicted, model.classCount));
      // A channel conversion is said, never silent (a gray image through an RGB model): that
      // event skips the throttle.
      (predicted.channelNote ? emit : progress)({
        kind: 'progress',
        jobId,
        step: index + 1,
        totalSteps: images.length,
        fraction: (index + 1) / images.length,
        message: predicted.channelNote ? `${entry.name}: ${predicted.channelNote}` : entry.name,
      });
    }
    const imageIds = images.map((e) => e.id);
    return { modelId, imageIds, predicted: images.length, backend: model.backend, tta };
  } finally {
    await model.dispose();
  }
}

/** A folder of image files to predict into `outDir` (default: under the model's predictions). */
export interface PredictFolderTask {
  projectDir: string;
  jobId: string;
  modelId: string;
  folder: string;
  outDir?: string;
  /** Test-time augmentation: the mean of the 8 flips and rotations (8x the time). */
  tta?: boolean;
}

/** Predicts every image file of a folder into `outDir` (masks named like the inputs). */
export async function predictFolder(
  task: PredictFolderTask,
  signal: AbortSignal,
  emit: PredictionEmitter,
): Promise<PredictionResult> {
  const { projectDir, jobId, modelId, folder } = task;
  await modelInfo(projectDir, modelId);
  const inputs = await listImages(folder);
  if (inputs.length === 0) throw new AppError('not_found', `${folder} holds no PNG, JPEG or TIFF image.`);
  const target = task.outDir ?? join(predictionFolder(projectDir, modelId), 'folders', basename(folder));
  const progress = throttled(emit);
  const result = await predictFiles({
    model: modelFolder(projectDir, modelId),
    inputs,
    outDir: target,
    tta: task.tta === true,
    signal,
    onBackend: (backend, note) =>
      emit({ kind: 'started', jobId, at: new Date().toISOString(), backend, detail: note }),
    onProgress: (p) =>
      progress({
        kind: 'progress',
        jobId,
        step: p.image,
        totalSteps: p.images,
        fraction: (p.image + p.tile / p.tiles) / p.images,
        message: basename(p.file),
      }),
  });
  const noted = result.files.filter((f) => f.channelNote !== undefined);
  if (noted.length > 0) {
    emit({
      kind: 'progress',
      jobId,
      step: result.files.length,
      totalSteps: result.files.length,
      fraction: 1,
      message: `${noted.length} image(s): ${noted[0].channelNote}`,
    });
  }
  return {
    modelId,
    folder,
    outDir: target,
    predicted: result.files.length,
    backend: result.backend,
    tta: task.tta === true,
  };
}
