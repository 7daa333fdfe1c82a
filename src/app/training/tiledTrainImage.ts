import { join } from 'node:path';
import { type Project, writeLabelTiles } from '../../engine/index';
import type { TrainImageFiles } from './trainConfigOf';

/**
 * The training input of an image read region by region (too large to load): its original TIFF
 * and a copy of its stored label tiles in `<runFolder>/labels/annotations/<imageId>/`, so the
 * run trains on the annotations as saved now while painting goes on. Only annotated tiles are
 * copied and later read; the training process reads the image around them by regions, with all
 * its channels (startTraining refuses a channel choice for such an image).
 */
export async function tiledTrainImage(
  project: Project,
  folder: string,
  entry: ReturnType<Project['image']>,
): Promise<TrainImageFiles> {
  const labels = join(folder, 'labels');
  const index = await project.labelTileIndex(entry.id);
  for (const [tx, ty] of index.tiles) {
    const { classes, instances } = await project.readLabelTile(entry.id, tx, ty);
    await writeLabelTiles(labels, entry.id, [{ tx, ty, data: { classes, instances } }]);
  }
  return {
    image: join(project.dir, 'images', entry.file),
    annotation: { kind: 'labelTiles', dir: labels, imageId: entry.id },
  };
}
