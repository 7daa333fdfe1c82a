import {
  type ModelPredictor,
  modelFolder,
  openModelPredictor,
  readCheckpointModel,
  readEntryImage,
  runFolder,
  type StoredPrediction,
  storedPrediction,
} from '../../engine/index';
import { AppError } from '../../shared/errors';
import type { ImageEntry } from '../../shared/schemas';
import { runChannels } from '../models/modelChannels';

/** A run that no longer trains, and the image to preview with its latest weights. */
export interface RunPreviewTask {
  projectDir: string;
  runId: string;
  /** The run's saved models, best first (used when it has no checkpoint). */
  modelIds: string[];
  image: Pick<ImageEntry, 'id' | 'file' | 'page' | 'plane'>;
}

/**
 * The prediction of an image by a finished, stopped or interrupted run: from its latest
 * checkpoint (read without touching it), else its first saved model. `source` names the weights.
 */
export async function predictRunPreview(
  task: RunPreviewTask,
): Promise<{ source: string; prediction: StoredPrediction }> {
  const folder = runFolder(task.projectDir, task.runId);
  // A read that straddles a checkpoint swap yields null: try once more before falling back.
  const checkpoint = (await readCheckpointModel(folder)) ?? (await readCheckpointModel(folder));
  let source: string;
  let model: ModelPredictor;
  if (checkpoint !== null) {
    source = `${task.runId} checkpoint @ step ${checkpoint.step}`;
    model = await openModelPredictor({ weights: checkpoint.weights, metadata: checkpoint.metadata });
  } else {
    const id = task.modelIds[0];
    if (id === undefined)
      throw new AppError('not_found', `Run ${task.runId} has no checkpoint or model yet.`);
    source = id;
    model = await openModelPredictor(modelFolder(task.projectDir, id));
  }
  try {
    const { image } = task;
    // A saved model that names its channels selects them itself; a checkpoint (or an older
    // model) takes the run's choice.
    const channels =
      model.inputChannels === undefined ? await runChannels(task.projectDir, task.runId) : undefined;
    const img = await readEntryImage(task.projectDir, image, channels);
    return {
      source,
      prediction: storedPrediction(await model.predict(img, { name: image.id }), model.classCount),
    };
  } finally {
    await model.dispose();
  }
}
