import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { fsError, writeFileAtomic } from '../../engine/index';
import { trainingRequestSchema } from '../../shared/apiModelSchemas';
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

const runRecordSchema: z.ZodType<RunRecord> = z.object({
  version: z.literal(1),
  runId: z.string().regex(/^run_[0-9a-z]+$/),
  createdAt: z.string(),
  request: trainingRequestSchema,
  imageNames: z.array(z.string()),
  config: z.record(z.string(), z.unknown()),
  initFromModel: z.string().optional(),
});

/**
 * Reads `<folder>/run.json`: 'not_found' when the folder holds no run, 'corrupt_file' when it
 * is not JSON or lacks the fields of a run record.
 */
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
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError('corrupt_file', `${path} is not valid JSON.`);
  }
  const parsed = runRecordSchema.safeParse(value);
  if (!parsed.success) {
    throw new AppError('corrupt_file', `${path} is not a training run record.`, parsed.error.message);
  }
  return parsed.data;
}

/** Writes `<folder>/run.json` atomically. */
export async function writeRunRecord(folder: string, record: RunRecord): Promise<void> {
  await writeFileAtomic(join(folder, 'run.json'), `${JSON.stringify(record, null, 2)}\n`);
}
