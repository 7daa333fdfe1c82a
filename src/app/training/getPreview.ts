import {
  type ModelPredictor,
  modelFolder,
  openModelPredictor,
  openWeightsPredictor,
  predictionObjects,
  readCheckpointModel,
  runFolder,
} from '../../engine/index';
import type { Prediction } from '../../shared/apiModels';
import { AppError } from '../../shared/errors';
import type { AppContext } from '../AppContext';

/** The run's latest weights' prediction of an image (the Train tab's live preview). */
export async function getPreview(ctx: AppContext, runId: string, imageId: string): Promise<Prediction> {
  const project = ctx.session.current();
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
    const info = await ctx.runs.info(project.dir, runId);
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
}
