import type { ApiHandlers, PickResult } from '../shared/api';
import type { AppContext } from './AppContext';
import { acceptPrediction } from './accept/acceptPrediction';
import { compareModels } from './compare/compareModels';
import { exportMasks } from './export/exportMasks';
import { cancelJob } from './jobs/cancelJob';
import { listModels } from './models/modelCatalog';
import { exportModelPackage, importModelPackage } from './models/modelPackages';
import { getPrediction } from './prediction/getPrediction';
import { predictImages } from './prediction/predictImages';
import { browseFolders } from './project/browseFolders';
import { importImages, uploadImage } from './project/importImages';
import { importLabels } from './project/importLabels';
import { createProject, openProject } from './project/openProject';
import { readRecentProjects } from './project/recentProjects';
import { openSample } from './sample/openSample';
import { appInfo } from './system/appInfo';
import { backendReport } from './system/backendReport';
import { getPreview } from './training/getPreview';
import { listTrainableImages } from './training/listTrainableImages';
import { startTraining } from './training/startTraining';

const cancelled: PickResult = { cancelled: true, paths: [] };

/**
 * The API table: each method of the contract (src/shared/api.ts) and the use case that serves
 * it. A use case with logic has a file of its own (named like the method) and takes the
 * AppContext first; one-line delegations to the session or a registry stay here. To add an API
 * method: declare it in the contract (ApiHandlers, API_METHODS, API_ARGS), write its use case,
 * and add its line below (the compiler names a missing one).
 */
export function apiHandlers(ctx: AppContext): ApiHandlers {
  const project = () => ctx.session.current();
  return {
    // The app and its machine.
    appInfo: () => appInfo(ctx),
    getBackendInfo: () => {
      ctx.backend.report ??= backendReport();
      return ctx.backend.report;
    },
    getRecentProjects: () => readRecentProjects(ctx.options.env),
    pickFolder: (purpose) => ctx.options.dialogs?.pickFolder(purpose) ?? Promise.resolve(cancelled),
    browseFolders: (dir) => browseFolders(ctx, dir),
    pickFiles: () => ctx.options.dialogs?.pickFiles() ?? Promise.resolve(cancelled),

    // The project: images and annotations.
    createProject: (dir, name) => createProject(ctx, dir, name),
    openProject: (dir) => openProject(ctx, dir),
    openSample: () => openSample(ctx),
    closeProject: () => ctx.session.close(true),
    getProject: async () => ctx.session.open?.snapshot() ?? null,
    updateClasses: async (classes) => {
      await project().updateClasses(classes);
      return ctx.session.changed();
    },
    importImages: (paths) => importImages(ctx, paths),
    uploadImage: (name, bytes) => uploadImage(ctx, name, bytes),
    cancelImport: async () => {
      for (const controller of ctx.imports) controller.abort();
    },
    removeImage: async (imageId) => {
      await project().removeImage(imageId);
      return ctx.session.changed();
    },
    renameImage: async (imageId, name) => {
      await project().renameImage(imageId, name);
      return ctx.session.changed();
    },
    getImagePixels: (imageId) => project().readPixels(imageId),
    getThumbnail: (imageId) => project().readThumbnail(imageId),
    getAnnotation: (imageId) => project().readAnnotation(imageId),
    getImageTileInfo: (imageId) => project().imageTileInfo(imageId),
    getImageTile: (imageId, level, tx, ty) => project().readImageTile(imageId, level, tx, ty),
    getLabelTileIndex: (imageId) => project().labelTileIndex(imageId),
    getLabelTile: (imageId, tx, ty) => project().readLabelTile(imageId, tx, ty),
    saveAnnotationPatch: async (imageId, patch) => {
      const status = await project().saveAnnotationPatch(imageId, patch);
      ctx.session.changed();
      return status;
    },

    // Training runs (each in its own process, owned by ctx.runs).
    listTrainableImages: () => listTrainableImages(ctx),
    startTraining: (request) => startTraining(ctx, request),
    stopTraining: (runId) => ctx.runs.stop(project().dir, runId),
    resumeTraining: (runId) => ctx.runs.resume(project().dir, runId),
    listRuns: () => ctx.runs.list(project().dir),
    getRunLog: (runId, sinceStep) => ctx.runs.log(project().dir, runId, sinceStep),
    getPreview: (runId, imageId) => getPreview(ctx, runId, imageId),

    // Models, prediction, compare, export.
    listModels: () => {
      // The Train, Compare and Export screens list models first: the work process they will
      // use starts now (it loads the engine), not when the first comparison waits for it.
      ctx.work.warm();
      return listModels(project().dir);
    },
    predictImages: (modelId, target) => predictImages(ctx, modelId, target),
    cancelJob: (jobId) => cancelJob(ctx, jobId),
    getPrediction: (modelId, imageId) => getPrediction(ctx, modelId, imageId),
    compareModels: (modelIds, imageIds) => compareModels(ctx, modelIds, imageIds),
    acceptPrediction: (imageId, modelId, options) => acceptPrediction(ctx, imageId, modelId, options),
    exportMasks: (request) => exportMasks(ctx, request),

    // Data in, models out.
    importLabels: (files, options) => importLabels(ctx, files, options),
    exportModelPackage: (modelId, request) => exportModelPackage(ctx, modelId, request),
    importModelPackage: (name, bytes) => importModelPackage(ctx, name, bytes),
    setImageDisplay: async (imageId, display) => {
      await project().updateDisplay(imageId, display);
      return ctx.session.changed();
    },
  };
}
