import { type ModelInputChannel, parseModelId, runFolder } from '../../engine/index';
import type { ImageEntry } from '../../shared/schemas';
import { readRunRecord } from '../training/runRecord';

/**
 * The image channels a run trains on (0-based, in order), as its request chose them;
 * undefined when it trains on each image as it is. Its models predict with the same.
 */
export async function runChannels(projectDir: string, runId: string): Promise<number[] | undefined> {
  const record = await readRunRecord(runFolder(projectDir, runId)).catch(() => null);
  return record?.request.channels;
}

/** The channels a model was trained on (see runChannels); an added package: undefined. */
export async function modelChannels(projectDir: string, modelId: string): Promise<number[] | undefined> {
  const { runId, kind } = parseModelId(modelId);
  return kind === 'package' ? undefined : runChannels(projectDir, runId);
}

/**
 * What a run's models record of the channels chosen for it (ModelMetadata.inputChannels): each
 * chosen index with the name the training images give it (the first image that names it);
 * undefined when no channels were chosen.
 */
export function inputChannelsOf(
  channels: readonly number[] | undefined,
  entries: readonly Pick<ImageEntry, 'channelNames'>[],
): ModelInputChannel[] | undefined {
  if (channels === undefined) return undefined;
  return channels.map((index) => {
    const name = entries.map((e) => e.channelNames?.[index]?.trim()).find((n) => n !== undefined && n !== '');
    return name === undefined ? { index } : { index, name };
  });
}
