import type { StoredPrediction } from '../../engine/index';
import { isLargeImage, predictionObjects, previewPath, readPreviewFile, runFolder } from '../../engine/index';
import type { Prediction } from '../../shared/apiModels';
import { AppError } from '../../shared/errors';
import type { AppContext } from '../AppContext';
import { imageInputFile } from './imageInputFile';
import { readRunRecord } from './runRecord';

/**
 * The Train tab's live preview: a run's latest weights' prediction of an image. A live run's
 * training process computes it from the weights it holds (at checkpoints and validations) and
 * writes runs/<runId>/preview/<imageId>.png; asking here (re)requests it and returns the latest
 * one written, 'not_found' until the first is ready (a `preview` job event says when). A run
 * that no longer trains shows its last preview when that is as new as its last checkpoint;
 * otherwise its checkpoint (or saved model) predicts the image in the work process.
 */
export async function getPreview(ctx: AppContext, runId: string, imageId: string): Promise<Prediction> {
  const project = ctx.session.current();
  const entry = project.image(imageId);
  if (isLargeImage(entry)) {
    // A preview is a whole-image prediction; such an image is predicted to files, streamed.
    throw new AppError(
      'too_large',
      `${entry.name} (${entry.width}x${entry.height}) is too large for a live preview: ` +
        'predict it from the Predict & export panel, which streams it tile by tile.',
    );
  }
  const folder = runFolder(project.dir, runId);
  const file = previewPath(folder, imageId);
  const channels = (await readRunRecord(folder).catch(() => null))?.request.channels;
  const live = ctx.runs.requestPreview(runId, {
    imageId,
    path: await imageInputFile(project, folder, entry, channels),
    page: entry.pages === 1 && entry.plane === undefined && channels === undefined ? entry.page : 0,
  });
  const preview = await readPreviewFile(file);
  if (live) {
    if (preview === null)
      throw new AppError(
        'not_found',
        `Run ${runId} computes its preview of ${entry.name} at its next checkpoint.`,
      );
    return predictionOf(`${runId} @ step ${preview.step}`, imageId, preview);
  }
  const info = await ctx.runs.info(project.dir, runId);
  if (preview !== null && preview.step >= (info.checkpointStep ?? 0))
    return predictionOf(`${runId} @ step ${preview.step}`, imageId, preview);
  const { source, prediction } = await ctx.work.run({
    kind: 'runPreview',
    task: { projectDir: project.dir, runId, modelIds: info.modelIds, image: entry },
  });
  return predictionOf(source, imageId, prediction);
}

/**
 * A preview as the app shows a prediction. Its objects split along the predicted object borders
 * when it carries P(object interior), as a checkpoint's prediction (runPreview) and a live run's
 * preview file (previewFile, third channel) of a model that learned them do.
 */
function predictionOf(source: string, imageId: string, p: StoredPrediction): Prediction {
  const { labels, count } = predictionObjects(p.classes, p.width, p.height, p.foreground, p.interior);
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
}
