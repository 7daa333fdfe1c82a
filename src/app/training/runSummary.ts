import { type RunLogLine, splitSamples } from '../../engine/index';
import type { RunInfo, RunLogPoint, RunStatus } from '../../shared/apiModels';
import type { RunRecord } from './runRecord';

/**
 * What a run's log says about it. `live` is the status of its process when this service runs it
 * (null = no process here): a log that ends without done / cancelled / failed and no process is
 * an interrupted run (killed, crashed, or the app closed hard), resumable from its last checkpoint.
 * A `resume` marker starts a new session: the terminal event of the previous one no longer counts.
 */
export function summarizeRun(
  record: RunRecord,
  lines: RunLogLine[],
  live: RunStatus | null,
  modelIds: string[],
): RunInfo {
  let step = 0;
  let totalSteps: number | null = null;
  let lastLoss: number | null = null;
  let backend: string | null = null;
  let elapsedSeconds = 0;
  let startedAt: string | null = null;
  let endedAt: string | null = null;
  let message: string | null = null;
  let terminal: 'done' | 'stopped' | 'failed' | null = null;
  let bestValidationIoU: number | null = null;
  let bestStep: number | null = null;
  const checkpointTimes: { step: number; at: string }[] = [];
  for (const line of lines) {
    switch (line.kind) {
      case 'started':
        startedAt ??= line.at;
        backend = line.backend ?? backend;
        terminal = null;
        message = null;
        break;
      case 'resume':
        step = line.step;
        terminal = null;
        break;
      case 'progress':
        step = Math.max(step, line.step);
        if (line.totalSteps !== undefined) totalSteps = line.totalSteps;
        if (line.loss !== undefined) lastLoss = line.loss;
        if (line.elapsedSeconds !== undefined) elapsedSeconds = line.elapsedSeconds;
        break;
      case 'checkpoint':
        checkpointTimes.push({ step: line.step, at: line.at });
        break;
      case 'validation': {
        const iou = line.metrics.foregroundIoU;
        if (iou !== undefined && (bestValidationIoU === null || iou > bestValidationIoU)) {
          bestValidationIoU = iou;
          bestStep = line.step;
        }
        break;
      }
      case 'done':
        terminal = 'done';
        endedAt = line.at;
        break;
      case 'cancelled':
        terminal = 'stopped';
        endedAt = line.at;
        break;
      case 'failed':
        terminal = 'failed';
        endedAt = line.at;
        message = line.error.message;
        break;
    }
  }
  const checkpointStep = checkpointTimes.length > 0 ? checkpointTimes[checkpointTimes.length - 1].step : null;
  const status: RunStatus = live ?? terminal ?? 'interrupted';
  if (status === 'interrupted') {
    message =
      checkpointStep === null
        ? 'The training process ended before its first checkpoint; start the run again.'
        : `The training process ended unexpectedly (killed or crashed). Resume from step ${checkpointStep}.`;
  }
  const requested = record.request.advanced.steps;
  return {
    runId: record.runId,
    createdAt: record.createdAt,
    status,
    request: record.request,
    imageNames: record.imageNames,
    heldOutNames: heldOut(record),
    step,
    totalSteps: totalSteps ?? requested ?? null,
    checkpointStep,
    checkpointTimes,
    bestValidationIoU,
    bestStep,
    lastLoss,
    backend,
    elapsedSeconds,
    startedAt,
    endedAt,
    message,
    modelIds,
  };
}

/** Most loss points getRunLog returns; longer curves are averaged in buckets (a chart shows ~1000 px). */
export const MAX_LOSS_POINTS = 2000;

/**
 * The loss and validation-IoU points of a log after `sinceStep`, following resumes: a `resume`
 * marker at step N drops points past N that the interrupted session logged after its checkpoint.
 * More than `maxLoss` loss points are averaged in buckets of consecutive points (each bucket at
 * its last step); validation points are all kept.
 */
export function runLogPoints(
  lines: RunLogLine[],
  sinceStep: number,
  maxLoss = MAX_LOSS_POINTS,
): RunLogPoint[] {
  const points: RunLogPoint[] = [];
  for (const line of lines) {
    if (line.kind === 'resume') {
      while (points.length > 0 && points[points.length - 1].step > line.step) points.pop();
    } else if ((line.kind === 'progress' || line.kind === 'step') && line.loss !== undefined) {
      points.push({ step: line.step, loss: line.loss });
    } else if (line.kind === 'validation' && line.metrics.foregroundIoU !== undefined) {
      points.push({ step: line.step, validationIoU: line.metrics.foregroundIoU });
    }
  }
  const after = points.filter((p) => p.step > sinceStep);
  const losses = after.filter((p) => p.loss !== undefined);
  if (losses.length <= maxLoss) return after;
  const size = Math.ceil(losses.length / maxLoss);
  const merged: RunLogPoint[] = [];
  for (let i = 0; i < losses.length; i += size) {
    const bucket = losses.slice(i, i + size);
    const mean = bucket.reduce((sum, p) => sum + (p.loss ?? 0), 0) / bucket.length;
    merged.push({ step: bucket[bucket.length - 1].step, loss: mean });
  }
  const validations = after.filter((p) => p.validationIoU !== undefined);
  return [...merged, ...validations].sort((a, b) => a.step - b.step);
}

/**
 * The images a run holds out for validation: the engine splits the training images in the order
 * the run record lists them, with the run's seed (default 1), so the same split is computed here.
 */
function heldOut(record: RunRecord): string[] {
  const seed =
    typeof record.config.seed === 'number' ? record.config.seed : (record.request.advanced.seed ?? 1);
  return splitSamples(record.imageNames, record.request.valFraction, seed).validation;
}
