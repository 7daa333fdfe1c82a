import type { ProcessFactory, Project } from '../engine/index';
import {
  hasPrediction,
  type ModelPredictor,
  modelFolder,
  newJobId,
  newRunId,
  openModelPredictor,
  openWeightsPredictor,
  predictionObjects,
  readCheckpointModel,
  readPrediction,
  runFolder,
} from '../engine/index';
import type { ApiHandlers } from '../shared/api';
import type { CompareResult, Prediction } from '../shared/apiModels';
import { AppError } from '../shared/errors';
import { acceptPatch, mergeAccepted } from './accept/acceptPatch';
import { meanScores, scorePrediction } from './compare/scorePrediction';
import { exportMasks } from './export/exportMasks';
import { listModels, modelInfo } from './models/modelCatalog';
import { confinePath } from './pathPolicy';
import {
  type JobEmitter,
  PredictionJobs,
  predictFolder,
  predictProjectImages,
} from './prediction/predictionJobs';
import { TrainingRuns } from './training/trainingRuns';

/** The methods of issue 6: training, prediction, compare, export. */
export type ModelHandlers = Pick<
  ApiHandlers,
  | 'listTrainableImages'
  | 'startTraining'
  | 'stopTraining'
  | 'resumeTraining'
  | 'listRuns'
  | 'getRunLog'
  | 'getPreview'
  | 'listModels'
  | 'predictImages'
  | 'cancelJob'
  | 'getPrediction'
  | 'compareModels'
  | 'acceptPrediction'
  | 'exportMasks'
>;

export interface ModelHandlerContext {
  /** The open project ('not_found' when none). */
  current(): Project;
  emitJob: JobEmitter;
  /** Tell the UI the manifest changed (after a saved acceptance). */
  projectChanged(): void;
  /** Browser shell: folders read and written must lie below it; null = anywhere. */
  workspaceRoot: string | null;
  /** Training process factory (tests inject one). */
  trainingProcessFactory?: ProcessFactory;
}

/**
 * Builds the handlers; `dispose()` stops training runs (checkpointing) and cancels predictions;
 * `busy()` is true while a run trains or a prediction job runs (a shell may keep running then).
 */
export function createModelHandlers(ctx: ModelHandlerContext): {
  handlers: ModelHandlers;
  busy(): boolean;
  dispose(): Promise<void>;
} {
  const jobs = new PredictionJobs();
  const runs = new TrainingRuns(ctx.emitJob, ctx.trainingProcessFactory);
  const confine = (path: string, what: string) =>
    ctx.workspaceRoot === null ? Promise.resolve(path) : confinePath(ctx.workspaceRoot, path, what);
  const prediction = async (project: Project, id: string, imageId: string): Promise<Prediction> => {
    project.image(imageId);
    const info = await modelInfo(project.dir, id);
    return readPrediction(project.dir, id, imageId, info.classes);
  };

  const handlers: ModelHandlers = {
    listTrainableImages: async () =>
      ctx
        .current()
        .snapshot()
        .images.map((e) => ({
          imageId: e.id,
          name: e.name,
          width: e.width,
          height: e.height,
          labelledPixels: e.annotation.labelledPixels,
          objects: e.annotation.objects,
          annotated: e.annotation.labelledPixels > 0,
        })),
    startTraining: (request) => runs.start(ctx.current(), newRunId(), request),
    stopTraining: (runId) => runs.stop(ctx.current().dir, runId),
    resumeTraining: (runId) => runs.resume(ctx.current().dir, runId),
    listRuns: () => runs.list(ctx.current().dir),
    getRunLog: (runId, sinceStep) => runs.log(ctx.current().dir, runId, sinceStep),
    getPreview: async (runId, imageId) => {
      const project = ctx.current();
      const entry = project.image(imageId);
      const maxSide = Math.max(entry.width, entry.height);
      // The run's latest checkpoint (read without touching it: the run may be writing the next
      // one); else its saved models (after a crash left no checkpoint, or an old run).
      const folder = runFolder(project.dir, runId);
      const checkpoint = (await readCheckpointModel(folder)) ?? (await readCheckpointModel(folder));
      let source: string;
      let model: ModelPredictor;
      if (checkpoint !== null) {
        source = `${runId} checkpoint @ step ${checkpoint.step}`;
        model = await openWeightsPredictor(checkpoint.weights, checkpoint.metadata, maxSide);
      } else {
        const info = await runs.info(project.dir, runId);
        const id = info.modelIds[0];
        if (id === undefined) throw new AppError('not_found', `Run ${runId} has no checkpoint or model yet.`);
        source = id;
        model = await openModelPredictor(modelFolder(project.dir, id), maxSide);
      }
      try {
        const p = await model.predict(await project.readPixels(imageId));
        const { labels, count } = predictionObjects(p.classes, p.width, p.height);
        return {
          modelId: source,
          imageId,
          width: p.width,
          height: p.height,
          classCount: p.classCount,
          classes: p.classes,
          foreground: p.foreground,
          instances: labels,
          objects: count,
        };
      } finally {
        await model.dispose();
      }
    },
    listModels: () => listModels(ctx.current().dir),
    predictImages: async (id, target) => {
      const project = ctx.current();
      await modelInfo(project.dir, id);
      const jobId = newJobId();
      if ('imageIds' in target) {
        for (const imageId of target.imageIds) project.image(imageId);
        jobs.start(jobId, ctx.emitJob, (signal, emit) =>
          predictProjectImages(project, jobId, id, target.imageIds, signal, emit),
        );
      } else {
        const folder = await confine(target.folder, 'Image folder');
        const outDir =
          target.outDir === undefined ? undefined : await confine(target.outDir, 'Output folder');
        jobs.start(jobId, ctx.emitJob, (signal, emit) =>
          predictFolder(project.dir, jobId, id, folder, outDir, signal, emit),
        );
      }
      return { jobId };
    },
    cancelJob: async (jobId) => {
      if (jobId.startsWith('run_')) {
        if (runs.isLive(jobId)) void runs.stop(ctx.current().dir, jobId).catch(() => {});
        return;
      }
      jobs.cancel(jobId);
    },
    getPrediction: (id, imageId) => prediction(ctx.current(), id, imageId),
    compareModels: async (modelIds, imageIds) => {
      const project = ctx.current();
      const infos = await Promise.all(modelIds.map((id) => modelInfo(project.dir, id)));
      const entries =
        imageIds === null
          ? project.snapshot().images.filter((e) => e.annotation.labelledPixels > 0)
          : imageIds.map((id) => project.image(id));
      const result: CompareResult = { modelIds, rows: [], set: [], missing: [] };
      for (const entry of entries) {
        const annotation = await project.readAnnotation(entry.id);
        const scores = [];
        for (const info of infos) {
          if (!(await hasPrediction(project.dir, info.modelId, entry.id))) {
            result.missing.push({ imageId: entry.id, modelId: info.modelId });
            scores.push(null);
            continue;
          }
          const p = await readPrediction(project.dir, info.modelId, entry.id, info.classes);
          scores.push(scorePrediction(annotation, p.classes, info.classes));
        }
        result.rows.push({ imageId: entry.id, name: entry.name, scores });
      }
      result.set = infos.map((_, m) =>
        meanScores(result.rows.flatMap((r) => (r.scores[m] ? [r.scores[m]] : []))),
      );
      return result;
    },
    acceptPrediction: async (imageId, id, options) => {
      const project = ctx.current();
      const p = await prediction(project, id, imageId);
      const annotation = await project.readAnnotation(imageId);
      const patch = acceptPatch(p, annotation.nextInstanceId, options.objects);
      const known = new Set(project.snapshot().classes.map((c) => c.id));
      const unknown = patch.classes.find((c) => c !== 0 && !known.has(c));
      if (unknown !== undefined) {
        throw new AppError(
          'invalid_argument',
          `The model predicts class ${unknown}, which the project does not define; add the class first.`,
        );
      }
      if (options.save === true) {
        await project.saveAnnotationPatch(imageId, mergeAccepted(annotation, patch));
        ctx.projectChanged();
      }
      return { imageId, ...patch, saved: options.save === true };
    },
    exportMasks: async (request) => {
      const project = ctx.current();
      const folder = await confine(request.folder, 'Export folder');
      const info = await modelInfo(project.dir, request.modelId);
      const missing = [];
      const images = [];
      for (const imageId of request.imageIds) {
        const entry = project.image(imageId);
        if (!(await hasPrediction(project.dir, request.modelId, imageId))) missing.push(entry.name);
        else
          images.push({
            entry,
            prediction: await readPrediction(project.dir, request.modelId, imageId, info.classes),
          });
      }
      if (missing.length > 0) {
        throw new AppError(
          'not_found',
          `Predict these images with ${request.modelId} first: ${missing.join(', ')}.`,
        );
      }
      return exportMasks({ ...request, folder }, images);
    },
  };
  return {
    handlers,
    busy: () => jobs.size > 0 || runs.liveCount > 0,
    dispose: async () => {
      await Promise.all([jobs.dispose(), runs.dispose()]);
    },
  };
}
