import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { AppError } from '../../shared/errors';

/**
 * Where training runs, their models and predictions live in a project folder:
 *
 *   runs/<runId>/            a training run's folder (train()'s outDir: run.jsonl, checkpoint/,
 *                            best/, model/, cache/) plus run.json (the request that started it)
 *   predictions/<modelId>/   <imageId>.classes.png (network classes) + <imageId>.fg.npy
 *                            (float32 foreground probability) per predicted image, and
 *                            <imageId>.interior.npy (float32 P(object interior)) where the
 *                            model learned object borders
 *   predictions/<modelId>/folders/<name>/   masks of a predicted folder of files
 *
 *   models/<pkgId>/package.zip   a bioimage.io model package added to the project
 *
 * A model id is `<runId>.best` (best by validation), `<runId>.last` (weights at the last step)
 * or `<pkgId>.package` (an added package; `pkgId` is `pkg_` + base-36 digits).
 */

/** A fresh run id: `run_` + base-36 milliseconds + 4 random base-36 digits (sorts by time). */
export function newRunId(now = Date.now()): string {
  return `run_${now.toString(36)}${randomSuffix()}`;
}

/** A fresh job id for a prediction job. */
export function newJobId(now = Date.now()): string {
  return `job_${now.toString(36)}${randomSuffix()}`;
}

function randomSuffix(): string {
  return (randomBytes(4).readUInt32LE(0) % 36 ** 4).toString(36).padStart(4, '0');
}

export function runsFolder(projectDir: string): string {
  return join(projectDir, 'runs');
}

export function runFolder(projectDir: string, runId: string): string {
  return join(projectDir, 'runs', runId);
}

/** The two models a run can hold, and a model package added to the project. */
export type ModelKind = 'best' | 'last' | 'package';

/** A fresh id for an added model package: `pkg_` + base-36 time + 4 random digits. */
export function newPackageId(now = Date.now()): string {
  return `pkg_${now.toString(36)}${randomSuffix()}`;
}

/**
 * Splits `<runId>.best|last` or `<pkgId>.package` (runId is then the package id); anything
 * else -> 'invalid_argument'.
 */
export function parseModelId(modelId: string): { runId: string; kind: ModelKind } {
  const m = /^(run_[0-9a-z]+)\.(best|last)$|^(pkg_[0-9a-z]+)\.(package)$/.exec(modelId);
  if (m === null)
    throw new AppError('invalid_argument', `"${modelId}" is not a model id (<runId>.best or <runId>.last).`);
  return { runId: m[1] ?? m[3], kind: (m[2] ?? m[4]) as ModelKind };
}

/** `models/`: the model packages added to the project. */
export function packagesFolder(projectDir: string): string {
  return join(projectDir, 'models');
}

export function modelId(runId: string, kind: ModelKind): string {
  return `${runId}.${kind}`;
}

/**
 * The model folder of a model id (train() writes `best/` and `model/`); for a package, its
 * zip (openModelPredictor opens either).
 */
export function modelFolder(projectDir: string, id: string): string {
  const { runId, kind } = parseModelId(id);
  if (kind === 'package') return join(packagesFolder(projectDir), runId, 'package.zip');
  return join(runFolder(projectDir, runId), kind === 'best' ? 'best' : 'model');
}

export function predictionFolder(projectDir: string, id: string): string {
  parseModelId(id);
  return join(projectDir, 'predictions', id);
}

/** Files of one stored prediction (`interior` exists only for a model that learned object borders). */
export function predictionFiles(
  projectDir: string,
  id: string,
  imageId: string,
): { classes: string; foreground: string; interior: string } {
  const folder = predictionFolder(projectDir, id);
  return {
    classes: join(folder, `${imageId}.classes.png`),
    foreground: join(folder, `${imageId}.fg.npy`),
    interior: join(folder, `${imageId}.interior.npy`),
  };
}
