import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fsError, writeFileAtomic } from '../../engine/index';
import type { TrainingRequest } from '../../shared/apiModels';
import { AppError } from '../../shared/errors';

/** `run.json` in a run folder: the request that started it and the engine config it became. */
export interface RunRecord {
  version: 1;
  runId: string;
  createdAt: string;
  request: TrainingRequest;
  imageNames: string[];
  /** The TrainConfigInput handed to the training process (without `resume`). */
  config: Record<string, unknown>;
  /** Run this one continues from (retraining), if any. */
  initFromModel?: string;
}

/** Reads `<folder>/run.json`: 'not_found' when the folder holds no run, 'corrupt_file' when unreadable. */
export async function readRunRecord(folder: string): Promise<RunRecord> {
  const path = join(folder, 'run.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new AppError('not_found', `No training run at ${folder}.`);
    throw fsError(error, path);
  }
  try {
    return JSON.parse(text) as RunRecord;
  } catch {
    throw new AppError('corrupt_file', `${path} is not valid JSON.`);
  }
}

/** Writes `<folder>/run.json` atomically. */
export async function writeRunRecord(folder: string, record: RunRecord): Promise<void> {
  await writeFileAtomic(join(folder, 'run.json'), `${JSON.stringify(record, null, 2)}\n`);
}
