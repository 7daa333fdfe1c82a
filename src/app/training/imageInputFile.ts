import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { type Project, readEntryImage, writeNpy, writePng, writeTiff } from '../../engine/index';

/**
 * The image file a training process reads for a project image: the original, or (for one page
 * of a stack, one plane of a hyperstack with all its channels, or the `channels` chosen for a
 * run) that image alone, written once to `<runFolder>/inputs/<imageId>.png|tif`, or `.npy`
 * (height x width x channels) for a channel count no PNG holds (2, 5, ...), which the training
 * process reads as it is (training/readInputImage). Errors as readEntryImage: a chosen channel
 * the image lacks ('incompatible_model', naming the image).
 */
export async function imageInputFile(
  project: Project,
  folder: string,
  entry: ReturnType<Project['image']>,
  channels?: readonly number[],
): Promise<string> {
  if (entry.pages === 1 && entry.plane === undefined && channels === undefined)
    return join(project.dir, 'images', entry.file);
  const count = channels?.length ?? entry.channels;
  const ext = count !== 1 && count !== 3 && count !== 4 ? 'npy' : entry.bitDepth === 32 ? 'tif' : 'png';
  const path = join(folder, 'inputs', `${entry.id}.${ext}`);
  const written = await access(path).then(
    () => true,
    () => false,
  );
  if (written) return path;
  const image = await readEntryImage(project.dir, entry, channels);
  const { width, height, channels: c, bitDepth, data } = image;
  if (c !== 1 && c !== 3 && c !== 4) await writeNpy(path, { shape: [height, width, c], data });
  else if (bitDepth === 32) await writeTiff(path, { ...image, channels: c });
  else await writePng(path, { ...image, channels: c });
  return path;
}
