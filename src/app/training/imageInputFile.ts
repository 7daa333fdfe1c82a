import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { type Project, readEntryImage, writePng, writeTiff } from '../../engine/index';

/**
 * The image file a training process reads for a project image: the original, or (for one page
 * of a stack, one plane of a hyperstack with all its channels, or the `channels` chosen for a
 * run) that image alone, written once to `<runFolder>/inputs/<imageId>.png|tif`. Errors as
 * readEntryImage: a channel count models cannot take, or a chosen channel the image lacks
 * ('incompatible_model', naming the image).
 */
export async function imageInputFile(
  project: Project,
  folder: string,
  entry: ReturnType<Project['image']>,
  channels?: readonly number[],
): Promise<string> {
  if (entry.pages === 1 && entry.plane === undefined && channels === undefined)
    return join(project.dir, 'images', entry.file);
  const path = join(folder, 'inputs', `${entry.id}.${entry.bitDepth === 32 ? 'tif' : 'png'}`);
  const written = await access(path).then(
    () => true,
    () => false,
  );
  if (written) return path;
  const image = await readEntryImage(project.dir, entry, channels);
  if (image.bitDepth === 32) await writeTiff(path, image);
  else await writePng(path, image);
  return path;
}
