import { hasPrediction, readPrediction } from '../../engine/index';
import type { CompareResult } from '../../shared/apiModels';
import { meanScores, scorePrediction, type TruthLabels } from './scorePrediction';

/** What scoring needs: the project folder, the models (with their class counts), the annotations. */
export interface ScoreImagesTask {
  projectDir: string;
  models: { modelId: string; classes: number }[];
  images: { imageId: string; name: string; annotation: TruthLabels }[];
}

/**
 * Scores each model's stored prediction of each image against its annotation, and the per-image
 * mean per model; an image a model has not predicted is listed in `missing` (score null).
 */
export async function scoreImages(task: ScoreImagesTask): Promise<CompareResult> {
  const { projectDir, models } = task;
  const result: CompareResult = { modelIds: models.map((m) => m.modelId), rows: [], set: [], missing: [] };
  for (const { imageId, name, annotation } of task.images) {
    const scores = [];
    for (const model of models) {
      if (!(await hasPrediction(projectDir, model.modelId, imageId))) {
        result.missing.push({ imageId, modelId: model.modelId });
        scores.push(null);
        continue;
      }
      const p = await readPrediction(projectDir, model.modelId, imageId, model.classes);
      scores.push(scorePrediction(annotation, p.classes, model.classes));
    }
    result.rows.push({ imageId, name, scores });
  }
  result.set = models.map((_, m) =>
    meanScores(result.rows.flatMap((r) => (r.scores[m] ? [r.scores[m]] : []))),
  );
  return result;
}
