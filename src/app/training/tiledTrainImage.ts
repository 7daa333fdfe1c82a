import { join } from 'node:path';
import { type Project, writeLabelTiles } from '../../engine/index';
import { AppError } from '../../shared/errors';
import type { TrainImageFiles } from './trainConfigOf';

/**
 * The training input of an image read region by region (too large to load): its original TIFF
 * and a copy of its stored label tiles in `<runFolder>/labels/annotations/<imageId>/`, so the
 * run trains on the annotations as saved now while painting goes on. Only annotated tiles are
 * copied and later read; the training process reads the image around them by regions. A channel
 * choice is refused ('invalid_argument'): such images train with all their channels.
 */
export async function tiledTrainImage(
  project: Project,
  folder: string,
  entry: ReturnType<Project['image']>,
  channels: readonly number[] | undefined,
): Promise<TrainImageFiles> {
  if (channels !== undefined) {
    throw new AppError(
      'invalid_argument',
      `${entry.name} (${entry.width}x${entry.height}) is read by regions and trains with all its channels; ` +
        'clear the channel choice or leave this image out.',
    );
  }
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
