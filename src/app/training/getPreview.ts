import {
  type ModelPredictor,
  modelFolder,
  openModelPredictor,
  predictionObjects,
  rasterOfPixels,
  readCheckpointModel,
  runFolder,
  storedPrediction,
} from '../../engine/index';
import type { Prediction } from '../../shared/apiModels';
import { AppError } from '../../shared/errors';
import type { AppContext } from '../AppContext';

/** The run's latest weights' prediction of an image (the Train tab's live preview). */
export async function getPreview(ctx: AppContext, runId: string, imageId: string): Promise<Prediction> {
  const project = ctx.session.current();
  project.image(imageId);
  // The run's latest checkpoint (read without touching it: the run may be writing the next
  // one); else its saved models (after a crash left no checkpoint, or an old run).
  const folder = runFolder(project.dir, runId);
  const checkpoint = (await readCheckpointModel(folder)) ?? (await readCheckpointModel(folder));
  let source: string;
  let model: ModelPredictor;
  if (checkpoint !== null) {
    source = `${runId} checkpoint @ step ${checkpoint.step}`;
    model = await openModelPredictor({ weights: checkpoint.weights, metadata: checkpoint.metadata });
  } else {
    const info = await ctx.runs.info(project.dir, runId);
    const id = info.modelIds[0];
    if (id === undefined) throw new AppError('not_found', `Run ${runId} has no checkpoint or model yet.`);
    source = id;
    model = await openModelPredictor(modelFolder(project.dir, id));
  }
  try {
    const pixels = await project.readPixels(imageId);
    const p = storedPrediction(await model.predict(rasterOfPixels(pixels)), model.classCount);
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
