import { mkdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { AppError } from '../../shared/errors';
import { fsError } from '../fsutil/index';
import { readMicroscopyImage, writeNpy } from '../image/index';
import type { ModelInputChannel } from '../model/types';
import { selectChannels } from '../project/readEntryImage';
import type { TrainImage } from './trainConfig';

/**
 * Cuts the chosen `channels` (0-based, in this order) out of each training image: all channels
 * of the image's first (z, t) plane (an OME-TIFF or ImageJ hyperstack, or a plain image's
 * samples) are read, the chosen ones written as a (height, width, channels) .npy under `dir`
 * (what the training process reads, see readInputImage), and the images returned pointing at
 * them, with what the model records of the channels (`inputChannels`: each index with the name
 * the first image naming it gives). An image without a chosen channel -> 'incompatible_model'
 * naming it; no channels -> 'invalid_argument'.
 */
export async function writeChannelInputs(
  images: readonly TrainImage[],
  channels: readonly number[],
  dir: string,
): Promise<{ images: TrainImage[]; inputChannels: ModelInputChannel[] }> {
  if (channels.length === 0)
    throw new AppError('invalid_argument', 'choose at least one channel to train on');
  await mkdir(dir, { recursive: true }).catch((error: unknown) => {
    throw fsError(error, dir);
  });
  const names: (string | undefined)[] = channels.map(() => undefined);
  const out: TrainImage[] = [];
  for (const [k, entry] of images.entries()) {
    const { image, metadata } = await readMicroscopyImage(entry.image);
    const picked = selectChannels(image, channels, entry.image);
    channels.forEach((c, i) => {
      names[i] ??= metadata.channels[c]?.name?.trim() || undefined;
    });
    const stem = basename(entry.image, extname(entry.image));
    const path = join(dir, `${k}-${stem}.npy`);
    await writeNpy(path, { shape: [picked.height, picked.width, picked.channels], data: picked.data });
    out.push({ ...entry, image: path });
  }
  const inputChannels = channels.map((index, i) => {
    const name = names[i];
    return name === undefined ? { index } : { index, name };
  });
  return { images: out, inputChannels };
}
