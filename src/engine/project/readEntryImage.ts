import { join } from 'node:path';
import { AppError } from '../../shared/errors';
import type { ImageEntry } from '../../shared/schemas';
import { type RasterImage, readImage, readMicroscopyImage } from '../image/index';

/**
 * The pixels of a project image as the models see them: its stored page, or for a hyperstack
 * plane all channels of that (z, t). Models take 1, 3 or 4 channels; a plane of another count
 * -> 'incompatible_model' naming the image (choose its channels first).
 */
export async function readEntryImage(
  projectDir: string,
  entry: Pick<ImageEntry, 'file' | 'page'> & Partial<Pick<ImageEntry, 'plane' | 'name'>>,
): Promise<RasterImage> {
  const path = join(projectDir, 'images', entry.file);
  if (entry.plane === undefined) return readImage(path, { page: entry.page });
  const { image } = await readMicroscopyImage(path, entry.plane);
  const { channels } = image;
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new AppError(
      'incompatible_model',
      `${entry.name ?? entry.file} has ${channels} channels; models here take 1, 3 or 4.`,
    );
  }
  return { ...image, channels };
}
