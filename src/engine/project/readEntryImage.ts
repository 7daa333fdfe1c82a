import { join } from 'node:path';
import { AppError } from '../../shared/errors';
import type { ImageEntry } from '../../shared/schemas';
import { type MultiChannelImage, readImage, readMicroscopyImage } from '../image/index';

/**
 * The pixels of a project image as the models see them: its stored page, or for a hyperstack
 * plane all channels of that (z, t); with `channels`, only those (in that order), of any
 * count. A chosen channel the image lacks -> 'incompatible_model' naming both.
 */
export async function readEntryImage(
  projectDir: string,
  entry: Pick<ImageEntry, 'file' | 'page'> & Partial<Pick<ImageEntry, 'plane' | 'name'>>,
  channels?: readonly number[],
): Promise<MultiChannelImage> {
  const path = join(projectDir, 'images', entry.file);
  const name = entry.name ?? entry.file;
  const image: MultiChannelImage =
    entry.plane === undefined
      ? await readImage(path, { page: entry.page })
      : (await readMicroscopyImage(path, entry.plane)).image;
  return channels === undefined ? image : selectChannels(image, channels, name);
}

/**
 * The chosen channels of an interleaved image, in the order given. A channel the image lacks
 * -> 'incompatible_model': `name` has N channels, channel k is needed.
 */
export function selectChannels(
  image: MultiChannelImage,
  channels: readonly number[],
  name: string,
): MultiChannelImage {
  const missing = channels.find((c) => c >= image.channels);
  if (missing !== undefined) {
    throw new AppError(
      'incompatible_model',
      `${name} has ${image.channels} channel${image.channels === 1 ? '' : 's'}, but channel ${missing + 1} is needed ` +
        `(channels ${channels.map((c) => c + 1).join(', ')} were chosen for training).`,
    );
  }
  const n = image.width * image.height;
  const Ctor = image.data.constructor as new (length: number) => MultiChannelImage['data'];
  const data = new Ctor(n * channels.length);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < channels.length; k++)
      data[i * channels.length + k] = image.data[i * image.channels + channels[k]];
  }
  return { ...image, channels: channels.length, data };
}
