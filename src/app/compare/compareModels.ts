import { isLargeImage } from '../../engine/index';
import type { CompareResult } from '../../shared/apiModels';
import type { AppContext } from '../AppContext';
import { modelInfo } from '../models/modelCatalog';
import { annotatedCrop } from './largeTruth';
import type { ScoreImagesTask } from './scoreImages';

/**
 * Scores one or two models' stored predictions against the annotations, per image and as the
 * per-image mean; `imageIds` null = every annotated image. An image too large to hold is scored
 * over its annotated area against its streamed mask (see annotatedCrop). Images a model has not predicted
 * are listed in `missing` (their score is null). The annotations are read here (the open
 * project serialises them with saves); the scoring runs in the work process.
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
  const images: ScoreImagesTask['images'] = [];
  for (const entry of entries) {
    if (isLargeImage(entry)) {
      // Scored over the annotated tiles' bounding box against the streamed mask.
      const crop = await annotatedCrop(project, entry);
      if (crop !== null)
        images.push({
          imageId: entry.id,
          name: entry.name,
          annotation: crop.annotation,
          at: [crop.x, crop.y],
        });
      continue;
    }
    const { width, height, classes, instances } = await project.readAnnotation(entry.id);
    images.push({ imageId: entry.id, name: entry.name, annotation: { width, height, classes, instances } });
  }
  const models = infos.map((info) => ({ modelId: info.modelId, classes: info.classes }));
  return ctx.work.run({ kind: 'scoreImages', task: { projectDir: project.dir, models, images } });
}
