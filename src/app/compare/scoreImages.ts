import { hasPrediction, LazyTiff, readPrediction } from '../../engine/index';
import type { CompareResult } from '../../shared/apiModels';
import { hasLargePrediction, largePredictionPaths } from '../prediction/largePrediction';
import { meanScores, scorePrediction, type TruthLabels } from './scorePrediction';

/** What scoring needs: the project folder, the models (with their class counts), the annotations. */
export interface ScoreImagesTask {
  projectDir: string;
  models: { modelId: string; classes: number }[];
  /** `at`: a crop of a large image at that corner (px), scored against its streamed mask. */
  images: { imageId: string; name: string; annotation: TruthLabels; at?: [number, number] }[];
}

/**
 * Scores each model's stored prediction of each image against its annotation, and the per-image
 * mean per model; an image a model has not predicted is listed in `missing` (score null).
 */
export async function scoreImages(task: ScoreImagesTask): Promise<CompareResult> {
  const { projectDir, models } = task;
  const result: CompareResult = { modelIds: models.map((m) => m.modelId), rows: [], set: [], missing: [] };
  for (const { imageId, name, annotation, at } of task.images) {
    const scores = [];
    for (const model of models) {
      const predicted =
        at === undefined
          ? await hasPrediction(projectDir, model.modelId, imageId)
          : await hasLargePrediction(projectDir, model.modelId, imageId);
      if (!predicted) {
        result.missing.push({ imageId, modelId: model.modelId });
        scores.push(null);
        continue;
      }
      const classes =
        at === undefined
          ? (await readPrediction(projectDir, model.modelId, imageId, model.classes)).classes
          : await readMaskCrop(
              largePredictionPaths(projectDir, model.modelId, imageId).mask,
              at,
              annotation,
              model.classes,
            );
      scores.push(scorePrediction(annotation, classes, model.classes));
    }
    result.rows.push({ imageId, name, scores });
  }
  result.set = models.map((_, m) =>
    meanScores(result.rows.flatMap((r) => (r.scores[m] ? [r.scores[m]] : []))),
  );
  return result;
}

/** Network classes of a crop of a streamed mask (0/255 for two classes, else the class). */
async function readMaskCrop(
  path: string,
  [x, y]: [number, number],
  box: TruthLabels,
  classCount: number,
): Promise<Uint8Array> {
  const tiff = await LazyTiff.open(path);
  try {
    const { data } = await tiff.readRegion({ x, y, width: box.width, height: box.height });
    return Uint8Array.from(data, (v) => (classCount === 2 ? (v > 0 ? 1 : 0) : v));
  } finally {
    await tiff.close();
  }
}
