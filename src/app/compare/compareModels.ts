import { hasPrediction, readPrediction } from '../../engine/index';
import type { CompareResult } from '../../shared/apiModels';
import type { AppContext } from '../AppContext';
import { modelInfo } from '../models/modelCatalog';
import { meanScores, scorePrediction } from './scorePrediction';

/**
 * Scores one or two models' stored predictions against the annotations, per image and as the
 * per-image mean; `imageIds` null = every annotated image. Images a model has not predicted
 * are listed in `missing` (their score is null).
 */
export async function compareModels(
  ctx: AppContext,
  modelIds: string[],
  imageIds: string[] | null,
): Promise<CompareResult> {
  const project = ctx.session.current();
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
}
