import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../shared/errors';

/** Which model a path given as `--model` stands for, and why that one. */
export interface ResolvedModel {
  /** The model folder to load. */
  folder: string;
  /** 'model': the path is a model folder; 'best' / 'final': chosen from a training run folder. */
  kind: 'model' | 'best' | 'final';
  /** One line for the user, e.g. "run1/best: best on validation (IoU 0.871 at step 1400; final 0.866)". */
  description: string;
}

interface Summary {
  iou: number | null;
  steps: number | null;
}

const exists = (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    () => false,
  );

/** A folder that looks like a model folder (a broken one too: loading it says what is wrong). */
async function isModelFolder(folder: string): Promise<boolean> {
  return (await exists(join(folder, 'model.json'))) || (await exists(join(folder, 'metadata.json')));
}

/**
 * Validation IoU and steps of a model folder's metadata (both null when unreadable: loading the
 * folder reports why), or null when it is not a model folder.
 */
async function summary(folder: string): Promise<Summary | null> {
  if (!(await isModelFolder(folder))) return null;
  try {
    const meta = JSON.parse(await readFile(join(folder, 'metadata.json'), 'utf8')) as {
      metrics?: Record<string, unknown>;
      provenance?: { steps?: unknown };
    };
    const iou = meta.metrics?.validationForegroundIoU;
    const steps = meta.provenance?.steps;
    return { iou: typeof iou === 'number' ? iou : null, steps: typeof steps === 'number' ? steps : null };
  } catch {
    return { iou: null, steps: null };
  }
}

const describeModel = (s: Summary): string =>
  `${s.iou === null ? 'not validated' : `validation IoU ${s.iou.toFixed(4)}`}${s.steps === null ? '' : ` at step ${s.steps}`}`;

/**
 * Resolves a model folder (holds model.json) or a training run folder (`train --out`, holding
 * best/ and model/). From a run it takes best/ (the best validation IoU of the run) unless the
 * final model/ validated at least as well or best/ is missing. AppError('not_found') when the
 * path is neither.
 */
export async function resolveModel(path: string): Promise<ResolvedModel> {
  const direct = await summary(path);
  if (direct !== null)
    return { folder: path, kind: 'model', description: `${path} (${describeModel(direct)})` };
  const best = await summary(join(path, 'best'));
  const final = await summary(join(path, 'model'));
  if (best === null && final === null) {
    throw new AppError(
      'not_found',
      (await exists(path))
        ? `${path} is neither a model folder (model.json, metadata.json, weights.bin) nor a training run folder (best/, model/)`
        : `${path} does not exist`,
    );
  }
  const finalWins =
    best === null || (final !== null && final.iou !== null && (best.iou === null || final.iou >= best.iou));
  if (finalWins && final !== null) {
    const other = best === null ? 'no best model' : `best/ ${describeModel(best)}`;
    return {
      folder: join(path, 'model'),
      kind: 'final',
      description: `${join(path, 'model')}: the final model (${describeModel(final)}; ${other})`,
    };
  }
  const chosen = best as Summary;
  const other = final === null ? 'no final model yet' : `final model/ ${describeModel(final)}`;
  return {
    folder: join(path, 'best'),
    kind: 'best',
    description: `${join(path, 'best')}: the best model on validation (${describeModel(chosen)}; ${other})`,
  };
}
