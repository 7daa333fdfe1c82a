import { readPrediction } from '../../engine/index';
import type { Prediction } from '../../shared/apiModels';
import type { AppContext } from '../AppContext';
import { modelInfo } from '../models/modelCatalog';

/** The stored prediction of a project image by a model ('not_found' until predicted). */
export async function getPrediction(ctx: AppContext, modelId: string, imageId: string): Promise<Prediction> {
  const project = ctx.session.current();
  project.image(imageId);
  const info = await modelInfo(project.dir, modelId);
  return readPrediction(project.dir, modelId, imageId, info.classes);
}
