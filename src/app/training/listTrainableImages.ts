import type { TrainableImage } from '../../shared/apiModels';
import type { AppContext } from '../AppContext';

/** Every image of the open project with its annotation status (annotated ones are preselected). */
export async function listTrainableImages(ctx: AppContext): Promise<TrainableImage[]> {
  return ctx.session
    .current()
    .snapshot()
    .images.map((e) => ({
      imageId: e.id,
      name: e.name,
      width: e.width,
      height: e.height,
      labelledPixels: e.annotation.labelledPixels,
      objects: e.annotation.objects,
      annotated: e.annotation.labelledPixels > 0,
    }));
}
