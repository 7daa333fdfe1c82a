import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, toErrorInfo } from '../../shared/errors';
import type { TrainingEvent, TrainingResult } from '../../shared/jobs';
import { fsError } from '../fsutil/index';
import type { ModelMetadata } from '../model/types';
import { acquireProjectLock, type ProjectLock } from '../project/index';
import { budgetProgress, learningRateAt, setLearningRate } from './lrSchedule';
import { trainedModelMetadata } from './modelMetadata';
import { recoverModelFolder, saveModelFolderAtomic } from './modelOutput';
import { type PreparedRun, prepareRun } from './prepareRun';
import { type Clock, ProgressMeter, systemClock } from './progressMeter';
import { writeRunCheckpoint } from './runCheckpoint';
import { RunLogWriter } from './runLog';
import { startBackend } from './startBackend';
import { parseTrainConfig, type TrainConfig, type TrainConfigInput } from './trainConfig';
import type { TrainingPreviews } from './trainingPreviews';
import { augmentOptions, drawBatch, isDivergedLoss, trainStep } from './trainStep';
import { validate } from './validation';

/** How `train` is driven: an abort signal in, job events out; the clock is injectable. */
export interface TrainOptions {
  /** Abort = checkpoint, write the model, emit `cancelled`, resolve. */
  signal: AbortSignal;
  onEvent: (event: TrainingEvent) => void;
  jobId?: string;
  clock?: Clock;
  /** Images to preview at checkpoints and validations (the app's Train tab asks for them). */
  previews?: TrainingPreviews;
}

/** What a finished or stopped run produced (also the `result` of its `done` event). */
export type TrainResult = TrainingResult;

/** Minimum time between progress events: often enough for live curves, rare enough for the UI. */
const PROGRESS_INTERVAL_MS = 150;

/**
 * Trains a U-Net as configured (trainConfig). Emits started, progress, validation and checkpoint
 * events and ends with done | cancelled (resolves) or failed (after emitting it, rejects with
 * the AppError). Every event is also appended to outDir/run.jsonl. Checkpoints every
 * `checkpointMinutes` (and `checkpointEverySteps`), at the end and on abort; a NaN/inf loss
 * stops with AppError('diverged') keeping the last good checkpoint.
 */
export async function train(input: TrainConfigInput, opts: TrainOptions): Promise<TrainResult> {
  const jobId = opts.jobId ?? `train-${Date.now().toString(36)}`;
  const clock = opts.clock ?? systemClock;
  let log: RunLogWriter | null = null;
  const emit = (event: TrainingEvent): void => {
    log?.append(event);
    opts.onEvent(event);
  };
  let run: PreparedRun | null = null;
  let lock: ProjectLock | null = null;
  try {
    const config = parseTrainConfig(input);
    await mkdir(config.outDir, { recursive: true }).catch((error: unknown) => {
      throw fsError(error, config.outDir);
    });
    lock = await lockOutput(config.outDir);
    log = await RunLogWriter.open(join(config.outDir, 'run.jsonl'));
    const backend = await startBackend(config);
    run = await prepareRun(config, backend);
    // `detail` carries the warnings (shells show them loudly); notes follow as progress messages.
    const detail = backend.warnings.join('\n') || undefined;
    emit({ kind: 'started', jobId, at: new Date().toISOString(), backend: backend.description, detail });
    for (const note of run.notes)
      emit({ kind: 'progress', jobId, step: run.startStep, message: `note: ${note}` });
    // A session continuing at step N (0: killed before its first checkpoint, started again) marks
    // the log so the steps logged past N by the interrupted session leave the loss curve.
    if (run.startStep > 0 || log.hadLines) {
      log.append({ kind: 'resume', step: run.startStep, at: new Date().toISOString() });
    }
    if (run.startStep > 0) {
      const from = run.startStep;
      emit({ kind: 'progress', jobId, step: from, message: `resuming from step ${from}`, resumedFrom: from });
    }
    return await loop(config, run, backend.name, jobId, clock, opts.signal, emit, log, opts.previews);
  } catch (error) {
    const info = toErrorInfo(error);
    emit({ kind: 'failed', jobId, at: new Date().toISOString(), error: info });
    throw error instanceof AppError ? error : new AppError('internal', info.message, info.detail);
  } finally {
    run?.dispose();
    await log?.close().catch(() => {});
    await lock?.release().catch(() => {});
  }
}

/** One run per output folder: a second one would interleave checkpoints and logs. */
async function lockOutput(outDir: string): Promise<ProjectLock> {
  try {
    return await acquireProjectLock(outDir);
  } catch (error) {
    if (error instanceof AppError && error.code === 'locked') {
      throw new AppError(
        'locked',
        `Another training run is writing to ${outDir}: stop it first or choose another output folder.`,
        error.message,
      );
    }
    throw error;
  }
}

async function loop(
  config: TrainConfig,
  run: PreparedRun,
  backendName: string,
  jobId: string,
  clock: Clock,
  signal: AbortSignal,
  emit: (event: TrainingEvent) => void,
  log: RunLogWriter,
  previews: TrainingPreviews | undefined,
): Promise<TrainResult> {
  const { settings, outputSize, unet, optimizer, rng, average } = run;
  if (previews !== undefined) previews.objectBorders = settings.objectBorders === true;
  // Validation, previews and saved models use the weight average when the run keeps one.
  const predictNet = average?.unet ?? unet;
  const augment = augmentOptions(config);
  const meter = new ProgressMeter(clock, config, settings.batch, run.elapsedSeconds, run.startStep);
  const bestPath = join(config.outDir, 'best');
  const modelPath = join(config.outDir, 'model');
  await recoverModelFolder(bestPath);
  await recoverModelFolder(modelPath);
  let step = run.startStep;
  let lastLoss: number | null = null;
  let lastProgressAt = Number.NEGATIVE_INFINITY;
  let lastCheckpointAt = clock.now();
  let lastCheckpointStep = -1;
  let lastValidatedStep = run.lastValidatedStep ?? -1;
  let learningRate = settings.optimizer.learningRate;

  const metadata = (metrics: Record<string, number>, selection: string): ModelMetadata =>
    trainedModelMetadata({
      architecture: settings.architecture,
      tileSize: settings.tileSize,
      normalization: run.normalization,
      inputChannels: config.inputChannels,
      objectBorders: settings.objectBorders,
      provenance: {
        preset: config.preset,
        steps: step,
        images: config.images.map((i) => i.image),
        backend: backendName,
        seed: config.seed,
        optimizer: settings.optimizer,
        batch: settings.batch,
        schedule: settings.schedule,
        emaDecay: settings.emaDecay,
        selection,
      },
      metrics,
    });
  const checkpoint = async (): Promise<void> => {
    meter.pause();
    const path = await writeRunCheckpoint(config.outDir, unet, average, optimizer, {
      step,
      elapsedSeconds: meter.elapsedSeconds(),
      rngState: rng.state(),
      settings,
      normalization: run.normalization,
      bestValidationIoU: run.bestValidationIoU,
      bestStep: run.bestStep,
      lastValidationIoU: run.lastValidationIoU,
      lastValidatedStep: lastValidatedStep < 0 ? null : lastValidatedStep,
      schedule: run.schedule,
      config,
    });
    emit({ kind: 'checkpoint', jobId, step, path, at: new Date().toISOString() });
    await log.sync();
    await previews?.refresh(predictNet, run.normalization, step);
    lastCheckpointAt = clock.now();
    lastCheckpointStep = step;
    meter.resume();
  };
  /** Validates unless already done at this step; true when it found a new best model. */
  const validateNow = async (): Promise<boolean> => {
    if (run.validation.length === 0 || lastValidatedStep === step) return false;
    meter.pause();
    lastValidatedStep = step;
    let metrics: Awaited<ReturnType<typeof validate>>;
    try {
      metrics = await validate(predictNet, run.validation, signal);
    } catch (error) {
      // Stopped during validation: skip it, the loop ends and checkpoints.
      if (error instanceof AppError && error.code === 'cancelled') {
        meter.resume();
        return false;
      }
      throw error;
    }
    const values = { foregroundIoU: metrics.foregroundIoU, pixelAccuracy: metrics.pixelAccuracy };
    emit({ kind: 'validation', jobId, step, metrics: values });
    run.lastValidationIoU = metrics.foregroundIoU;
    await previews?.refresh(predictNet, run.normalization, step);
    const improved = run.bestValidationIoU === null || metrics.foregroundIoU > run.bestValidationIoU;
    if (improved) {
      run.bestValidationIoU = metrics.foregroundIoU;
      run.bestStep = step;
      await saveModelFolderAtomic(
        bestPath,
        predictNet,
        metadata(
          { validationForegroundIoU: metrics.foregroundIoU },
          `best validation foreground IoU, step ${step}`,
        ),
      );
    }
    meter.resume();
    return improved;
  };

  while (!signal.aborted && !meter.isFinished(step)) {
    const batch = drawBatch(run.train, settings.batch, settings.tileSize, outputSize, rng, augment);
    // The dropout mask comes from the run's restorable RNG too, so a resume repeats the run exactly.
    const dropoutSeed = Math.floor(rng.next() * 2 ** 31);
    learningRate = learningRateAt(
      settings.schedule.kind,
      settings.optimizer.learningRate,
      budgetProgress(run.schedule, step, meter.elapsedSeconds()),
      settings.schedule.warmup,
    );
    setLearningRate(optimizer, learningRate);
    const loss = await trainStep(unet, optimizer, batch, dropoutSeed);
    if (isDivergedLoss(loss)) {
      throw new AppError(
        'diverged',
        `Training diverged at step ${step + 1}: the loss became ${loss}. The learning rate (${settings.optimizer.learningRate}) is probably too high. ` +
          'The last good checkpoint is kept: resume with a lower learning rate (--lr), or start again.',
      );
    }
    average?.update(step);
    step++;
    lastLoss = loss;
    const now = clock.now();
    const isLast = meter.isFinished(step);
    if (now - lastProgressAt >= PROGRESS_INTERVAL_MS || isLast) {
      lastProgressAt = now;
      const figures = meter.record(step);
      emit({
        kind: 'progress',
        jobId,
        step,
        totalSteps: config.steps,
        fraction: figures.fraction,
        loss,
        learningRate,
        tilesPerSecond: figures.tilesPerSecond,
        etaSeconds: figures.etaSeconds,
        elapsedSeconds: figures.elapsedSeconds,
        memoryBytes: process.memoryUsage().rss,
        message: undefined,
      });
    } else {
      // Progress events are throttled for the UI; the log still keeps every step's loss.
      log.append({ kind: 'step', step, loss });
    }
    if (step % config.validateEverySteps === 0) await validateNow();
    const dueByTime = clock.now() - lastCheckpointAt >= config.checkpointMinutes * 60_000;
    const dueBySteps = config.checkpointEverySteps !== undefined && step % config.checkpointEverySteps === 0;
    if (dueByTime || dueBySteps) await checkpoint();
    // An image asked for meanwhile is previewed at once, once the weights have been checked.
    if (previews?.hasNew && (lastCheckpointStep >= 0 || lastValidatedStep >= 0 || run.startStep > 0)) {
      meter.pause();
      await previews.serveNew(unet, run.normalization, step);
      meter.resume();
    }
    // Let messages (stop, disconnect) and timers through between synchronous steps.
    await new Promise((resolve) => setImmediate(resolve));
  }

  const cancelled = signal.aborted;
  const improved = !cancelled && (await validateNow());
  if (improved || lastCheckpointStep !== step) await checkpoint();
  const finalValidationIoU = lastValidatedStep === step ? run.lastValidationIoU : null;
  const finalMetrics: Record<string, number> = {};
  if (lastLoss !== null) finalMetrics.trainingLoss = lastLoss;
  if (finalValidationIoU !== null) finalMetrics.validationForegroundIoU = finalValidationIoU;
  await saveModelFolderAtomic(modelPath, predictNet, metadata(finalMetrics, `final, step ${step}`));
  const bestBeatsFinal =
    run.bestStep !== null &&
    run.bestValidationIoU !== null &&
    (finalValidationIoU === null || run.bestValidationIoU > finalValidationIoU);
  const result: TrainResult = {
    status: cancelled ? 'cancelled' : 'done',
    modelPath,
    bestModelPath: run.bestStep === null ? null : bestPath,
    bestValidationIoU: run.bestValidationIoU,
    bestStep: run.bestStep,
    finalValidationIoU,
    recommendedModelPath: bestBeatsFinal ? bestPath : modelPath,
    steps: step,
    elapsedSeconds: meter.elapsedSeconds(),
    lastLoss,
  };
  const at = new Date().toISOString();
  emit(
    cancelled ? { kind: 'cancelled', jobId, at, step } : { kind: 'done', jobId, at, result: { ...result } },
  );
  return result;
}
