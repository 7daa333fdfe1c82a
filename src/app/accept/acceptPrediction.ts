import type { AcceptedPrediction, AcceptOptions } from '../../shared/apiModels';
import { AppError } from '../../shared/errors';
import type { AppContext } from '../AppContext';
import { getPrediction } from '../prediction/getPrediction';
import { refuseWholePrediction } from '../prediction/largePrediction';
import { acceptPatch, mergeAccepted } from './acceptPatch';

/**
 * The label patch that takes over a stored prediction (whole, or the listed objects) into an
 * image's annotation; with `save` it is merged into the saved label images at once.
 */
export async function acceptPrediction(
  ctx: AppContext,
  imageId: string,
  modelId: string,
  options: AcceptOptions,
): Promise<AcceptedPrediction> {
  const project = ctx.session.current();
  refuseWholePrediction(project.dir, modelId, project.image(imageId), 'to take its prediction over whole');
  const p = await getPrediction(ctx, modelId, imageId);
  const annotation = await project.readAnnotation(imageId);
  const patch = acceptPatch(p, annotation.nextInstanceId, options.objects);
  const known = new Set(project.snapshot().classes.map((c) => c.id));
  const unknown = patch.classes.find((c) => c !== 0 && !known.has(c));
  if (unknown !== undefined) {
    throw new AppError(
      'invalid_argument',
      `The model predicts class ${unknown}, which the project does not define; add the class first.`,
    );
  }
  if (options.save === true) {
    await project.saveAnnotationPatch(imageId, mergeAccepted(annotation, patch));
    ctx.session.changed();
  }
  return { imageId, ...patch, saved: options.save === true };
}
