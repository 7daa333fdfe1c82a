import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { type Project, writePng, writeTiff } from '../../engine/index';
import { AppError } from '../../shared/errors';

/**
 * The image file a training process reads for a project image: the original, or for one page
 * of a stack (or one plane of a hyperstack, all its channels) that page alone, written once to
 * `<runFolder>/inputs/<imageId>.png|tif`. The training process reads images as 1, 3 or 4
 * channels: a plane of another count -> 'invalid_argument' naming it.
 */
export async function imageInputFile(
  project: Project,
  folder: string,
  entry: ReturnType<Project['image']>,
): Promise<string> {
  if (entry.pages === 1 && entry.plane === undefined) return join(project.dir, 'images', entry.file);
  const path = join(folder, 'inputs', `${entry.id}.${entry.bitDepth === 32 ? 'tif' : 'png'}`);
  if (
    await access(path).then(
      () => true,
      () => false,
    )
  )
    return path;
  const pixels = await project.readPixels(entry.id);
  const { channels } = pixels;
  if (!isRasterChannels(channels)) {
    throw new AppError(
      'invalid_argument',
      `${entry.name} has ${channels} channels; training reads images of 1, 3 or 4 channels.`,
    );
  }
  const raster = {
    width: pixels.width,
    height: pixels.height,
    channels,
    bitDepth: pixels.bitDepth,
    data: pixels.data,
  };
  if (pixels.bitDepth === 32) await writeTiff(path, raster);
  else await writePng(path, raster);
  return path;
}

function isRasterChannels(channels: number): channels is 1 | 3 | 4 {
  return channels === 1 || channels === 3 || channels === 4;
}
