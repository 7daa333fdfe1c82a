import { basename, join } from 'node:path';
import {
  listImages,
  modelFolder,
  openModelPredictor,
  type Project,
  predictFiles,
  predictionFolder,
  rasterOfPixels,
  storedPrediction,
  writePrediction,
} from '../../engine/index';
import type { ApiEventPayloads } from '../../shared/api';
import { AppError, toErrorInfo } from '../../shared/errors';
import { modelInfo } from '../models/modelCatalog';

/** Minimum time between progress events (STYLE.md: at most every ~100-200 ms). */
const PROGRESS_MS = 150;

/** Emits job events (the service's `jobEvent`). */
export type JobEmitter = (event: ApiEventPayloads['jobEvent']) => void;

/** Running prediction jobs by id; cancelling aborts one. */
export class PredictionJobs {
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>();

  /** Starts `work` in the background under `jobId`; its events go through `emit`. */
  start(
    jobId: string,
    emit: JobEmitter,
    work: (signal: AbortSignal, emit: JobEmitter) => Promise<Record<string, unknown>>,
  ): void {
    const controller = new AbortController();
    const at = () => new Date().toISOString();
    const done = (async () => {
      try {
        const result = await work(controller.signal, emit);
        emit({ kind: 'done', jobId, at: at(), result });
      } catch (error) {
        if (controller.signal.aborted || (error instanceof AppError && error.code === 'cancelled')) {
          emit({ kind: 'cancelled', jobId, at: at() });
        } else {
          const info = toErrorInfo(error);
          if (info.code === 'internal')
            process.stderr.write(`[predict] ${jobId} failed with a bug: ${info.detail ?? info.message}\n`);
          emit({ kind: 'failed', jobId, at: at(), error: info });
        }
      } finally {
        this.running.delete(jobId);
      }
    })();
    this.running.set(jobId, { controller, done });
  }

  /** Number of jobs running now. */
  get size(): number {
    return this.running.size;
  }

  /** Cancels a job; false when no such job runs. */
  cancel(jobId: string): boolean {
    const job = this.running.get(jobId);
    if (job === undefined) return false;
    job.controller.abort();
    return true;
  }

  /** Cancels every job and waits for them to end. */
  async dispose(): Promise<void> {
    const jobs = [...this.running.values()];
    for (const job of jobs) job.controller.abort();
    await Promise.all(jobs.map((job) => job.done));
  }
}

function throttled(emit: JobEmitter): JobEmitter {
  let last = Number.NEGATIVE_INFINITY;
  return (event) => {
    const now = performance.now();
    if (event.kind === 'progress' && now - last < PROGRESS_MS && event.fraction !== 1) return;
    last = now;
    emit(event);
  };
}

/**
 * Predicts project images with a model and stores each prediction (predictions/<modelId>/).
 * Progress: step = images done, fraction counts tiles within the current image.
 */
export async function predictProjectImages(
  project: Project,
  jobId: string,
  modelId: string,
  imageIds: string[],
  signal: AbortSignal,
  emit: JobEmitter,
): Promise<Record<string, unknown>> {
  const entries = imageIds.map((id) => project.image(id));
  const model = await openModelPredictor(modelFolder(project.dir, modelId));
  const progress = throttled(emit);
  try {
    emit({
      kind: 'started',
      jobId,
      at: new Date().toISOString(),
      backend: model.backend,
      detail: [`predict ${entries.length} image(s) with ${modelId}`, model.note].filter(Boolean).join('; '),
    });
    for (const [index, entry] of entries.entries()) {
      if (signal.aborted) throw new AppError('cancelled', 'prediction cancelled');
      const pixels = await project.readPixels(entry.id);
      const predicted = await model.predict(rasterOfPixels(pixels), {
        name: entry.name,
        signal,
        onTile: (done, total) =>
          progress({
            kind: 'progress',
            jobId,
            step: index,
            totalSteps: entries.length,
            fraction: (index + done / total) / entries.length,
            message: entry.name,
          }),
      });
      await writePrediction(project.dir, modelId, entry.id, storedPrediction(predicted, model.classCount));
      progress({
        kind: 'progress',
        jobId,
        step: index + 1,
        totalSteps: entries.length,
        fraction: (index + 1) / entries.length,
        message: entry.name,
      });
    }
    return { modelId, imageIds, predicted: entries.length, backend: model.backend };
  } finally {
    await model.dispose();
  }
}

/** Predicts every image file of a folder into `outDir` (masks named like the inputs). */
export async function predictFolder(
  projectDir: string,
  jobId: string,
  modelId: string,
  folder: string,
  outDir: string | undefined,
  signal: AbortSignal,
  emit: JobEmitter,
): Promise<Record<string, unknown>> {
  await modelInfo(projectDir, modelId);
  const inputs = await listImages(folder);
  if (inputs.length === 0) throw new AppError('not_found', `${folder} holds no PNG, JPEG or TIFF image.`);
  const target = outDir ?? join(predictionFolder(projectDir, modelId), 'folders', basename(folder));
  const progress = throttled(emit);
  const result = await predictFiles({
    model: modelFolder(projectDir, modelId),
    inputs,
    outDir: target,
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
  return { modelId, folder, outDir: target, predicted: result.files.length, backend: result.backend };
}
