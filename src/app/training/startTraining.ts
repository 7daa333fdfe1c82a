import { cp, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fsError, isLargeImage, newRunId, parseModelId, runFolder, writeLabelPngs } from '../../engine/index';
import type { RunInfo, TrainingRequest } from '../../shared/apiModels';
import { AppError } from '../../shared/errors';
import type { AppContext } from '../AppContext';
import { inputChannelsOf } from '../models/modelChannels';
import { imageInputFile } from './imageInputFile';
import { type RunRecord, readRunRecord, writeRunRecord } from './runRecord';
import { summarizeRun } from './runSummary';
import { tiledTrainImage } from './tiledTrainImage';
import { type TrainImageFiles, trainConfigOf } from './trainConfigOf';

/**
 * Starts a new training run of the open project from a panel request (annotations as saved
 * now): writes runs/<runId>/run.json and launches its process. Retraining (`initFromModel`)
 * continues the source run's last checkpoint in the new run, with the source's settings.
 */
export async function startTraining(ctx: AppContext, request: TrainingRequest): Promise<RunInfo> {
  const project = ctx.session.current();
  const runId = newRunId();
  const entries = request.imageIds.map((id) => project.image(id));
  const unlabelled = entries.find((e) => e.annotation.labelledPixels === 0);
  if (unlabelled !== undefined) {
    throw new AppError(
      'invalid_argument',
      `${unlabelled.name} has no labelled pixel: annotate it or leave it out.`,
    );
  }
  // A retrained network keeps its input channels: the source run's choice, whatever the form says.
  const source = request.initFromModel
    ? runFolder(project.dir, parseModelId(request.initFromModel).runId)
    : undefined;
  const sourceRecord = source === undefined ? undefined : await readRunRecord(source);
  const channels = sourceRecord === undefined ? request.channels : sourceRecord.request.channels;
  const { channels: _, ...rest } = request;
  const used: TrainingRequest = channels === undefined ? rest : { ...rest, channels };
  const wanted = channels ?? [];
  const lacking = entries.find((e) => wanted.some((c) => c >= e.channels));
  if (lacking !== undefined) {
    throw new AppError(
      'invalid_argument',
      `${lacking.name} has ${lacking.channels} channel(s); channels ${wanted.map((c) => c + 1).join(', ')} were chosen: leave it out or choose others.`,
    );
  }
  const regionRead = request.channels !== undefined ? entries.find((e) => isLargeImage(e)) : undefined;
  if (regionRead !== undefined) {
    throw new AppError(
      'invalid_argument',
      `${regionRead.name} (${regionRead.width}x${regionRead.height}) is read by regions and trains with all its channels; ` +
        'clear the channel choice or leave this image out.',
    );
  }
  const classes = project.snapshot().classes;
  const classCount = Math.max(2, ...classes.map((c) => c.id));
  // A retrain keeps its source's settings, object borders included.
  if ((sourceRecord?.request ?? request).advanced.objectBorders === true)
    refuseObjectBorders(classes.filter((c) => c.id >= 2).length, classCount);
  const folder = runFolder(project.dir, runId);
  await mkdir(folder, { recursive: true }).catch((error: unknown) => {
    throw fsError(error, folder);
  });
  const images: TrainImageFiles[] = [];
  for (const entry of entries) {
    if (isLargeImage(entry)) {
      images.push(await tiledTrainImage(project, folder, entry));
      continue;
    }
    // Labels are stored as sparse tiles; the run reads them as one PNG pair per image.
    const paths = await writeLabelPngs(join(folder, 'labels'), await project.readAnnotation(entry.id));
    images.push({
      image: await imageInputFile(project, folder, entry, channels),
      annotation: { kind: 'annotation', ...paths },
    });
  }
  let config = trainConfigOf(request, images, folder, classCount);
  let resume = false;
  if (source !== undefined && sourceRecord !== undefined) {
    // Retraining continues the source run's last checkpoint in this new run (same settings).
    if (ctx.runs.isLive(sourceRecord.runId))
      throw new AppError('conflict', `Run ${sourceRecord.runId} is still training; stop it first.`);
    await cp(join(source, 'checkpoint'), join(folder, 'checkpoint'), { recursive: true }).catch(() => {
      throw new AppError('not_found', `Run ${sourceRecord.runId} has no checkpoint to retrain from.`);
    });
    const lines = await ctx.runs.readLog(source);
    const from = summarizeRun(sourceRecord, lines, null, []).checkpointStep ?? 0;
    config = {
      ...trainConfigOf(sourceRecord.request, images, folder, classCount),
      valFraction: request.valFraction,
    };
    config.steps = from + (request.advanced.steps ?? 200);
    delete config.minutes;
    resume = true;
  }
  // The models of the run remember the channels their images were cut to.
  const inputChannels = inputChannelsOf(channels, entries);
  if (inputChannels !== undefined) config.inputChannels = inputChannels;
  const record: RunRecord = {
    version: 1,
    runId,
    createdAt: new Date().toISOString(),
    // The channels the run really uses (a retrain's are its source's): previews cut the same.
    request: used,
    imageNames: entries.map((e) => e.name),
    config,
    initFromModel: request.initFromModel,
  };
  await writeRunRecord(folder, record);
  ctx.runs.launch(runId, { ...config, resume });
  return ctx.runs.info(project.dir, runId);
}

/**
 * The engine learns object borders of one foreground class (network classes 0 background,
 * 1 interior, 2 border) and refuses more, but only once the run's process reads its config: the
 * same refusal here, worded for the panel, before a run folder fills and a process starts.
 * `classCount`: network classes of the project (its highest class id).
 */
function refuseObjectBorders(foregroundClasses: number, classCount: number): void {
  if (classCount <= 2) return;
  throw new AppError(
    'invalid_argument',
    foregroundClasses > 1
      ? `Object borders need a project with one foreground class; this project has ${foregroundClasses}.`
      : `Object borders need a project with one foreground class, numbered 2; this project's class ids run up to ${classCount}.`,
  );
}
