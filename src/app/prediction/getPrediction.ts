import { readPrediction } from '../../engine/index';
import type { Prediction } from '../../shared/apiModels';
import type { AppContext } from '../AppContext';
import { modelInfo } from '../models/modelCatalog';
import { refuseWholePrediction } from './largePrediction';

/**
 * The stored prediction of a project image by a model ('not_found' until predicted); an image
 * too large to hold -> 'too_large' naming its streamed mask and objects files.
 */
export async function getPrediction(ctx: AppContext, modelId: string, imageId: string): Promise<Prediction> {
  const project = ctx.session.current();
  const entry = project.image(imageId);
  const info = await modelInfo(project.dir, modelId);
  refuseWholePrediction(project.dir, modelId, entry, 'to show its prediction whole');
  return readPrediction(project.dir, modelId, imageId, info.classes);
}
