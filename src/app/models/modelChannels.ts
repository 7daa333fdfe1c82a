import { parseModelId, runFolder } from '../../engine/index';
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
