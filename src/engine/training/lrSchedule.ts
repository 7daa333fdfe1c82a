import * as tf from '@tensorflow/tfjs';

/**
 * Learning-rate schedule of a run:
 * - `constant`: the base rate throughout (the paper's SGD setting).
 * - `cosine`: linear warm-up from `base * WARMUP_START` to `base` over the first `warmup`
 *   fraction of the budget, then a half cosine down to `base * FINAL_FACTOR` at the end of the
 *   budget (Loshchilov & Hutter, SGDR, without restarts).
 */
export type ScheduleKind = 'constant' | 'cosine';

/** Share of the base rate at the first step of the warm-up. */
const WARMUP_START = 0.1;
/** Share of the base rate at the end of the budget: small, so the last steps barely move. */
export const FINAL_FACTOR = 0.01;

/**
 * The learning rate at `progress` (0 = start, 1 = end of the budget; clamped) for a base rate.
 * `warmup` is the share of the budget spent warming up (0 = none).
 */
export function learningRateAt(kind: ScheduleKind, base: number, progress: number, warmup: number): number {
  if (kind === 'constant') return base;
  const p = Math.min(1, Math.max(0, progress));
  if (warmup > 0 && p < warmup) return base * (WARMUP_START + (1 - WARMUP_START) * (p / warmup));
  const t = warmup >= 1 ? 1 : (p - warmup) / (1 - warmup);
  const floor = base * FINAL_FACTOR;
  return floor + (base - floor) * 0.5 * (1 + Math.cos(Math.PI * t));
}

/**
 * The stretch of training a schedule spans: from `originStep` / `originSeconds` to the budget
 * (total steps and/or minutes, counting earlier sessions). A new run starts one at 0; a resume
 * with the same budget keeps it (so it repeats the uninterrupted run exactly); a resume with
 * another budget (continuing, retraining) starts a new one at the step it resumes from, so the
 * added steps get their own warm-up and decay instead of the tail of the old one.
 */
export interface ScheduleSpan {
  originStep: number;
  originSeconds: number;
  steps?: number;
  minutes?: number;
}

/** The span for `budget`: `saved` when it was planned for the same budget, else one from now. */
export function scheduleSpan(
  budget: { steps?: number; minutes?: number },
  saved: ScheduleSpan | undefined,
  step: number,
  elapsedSeconds: number,
): ScheduleSpan {
  if (saved !== undefined && saved.steps === budget.steps && saved.minutes === budget.minutes) return saved;
  return { originStep: step, originSeconds: elapsedSeconds, steps: budget.steps, minutes: budget.minutes };
}

/**
 * How far a run is through its span, 0..1: steps done over the span's steps, elapsed seconds
 * over its time, whichever is further (a run stops at the first budget it reaches). The step
 * form is what makes a resumed run repeat the uninterrupted one exactly; the time form follows
 * the wall clock, so a slower machine still anneals by the end of its minutes.
 */
export function budgetProgress(span: ScheduleSpan, step: number, elapsedSeconds: number): number {
  const parts: number[] = [];
  if (span.steps !== undefined) {
    const length = span.steps - span.originStep;
    parts.push(length <= 0 ? 1 : (step - span.originStep) / length);
  }
  if (span.minutes !== undefined) {
    const length = span.minutes * 60 - span.originSeconds;
    parts.push(length <= 0 ? 1 : (elapsedSeconds - span.originSeconds) / length);
  }
  return parts.length === 0 ? 0 : Math.min(1, Math.max(0, ...parts));
}

/** Adam whose rate can change between steps (TF.js reads `learningRate` at every update). */
export class ScheduledAdam extends tf.AdamOptimizer {
  setLearningRate(rate: number): void {
    this.learningRate = rate;
  }
}

/** Sets the rate of an optimiser made by createOptimizer (SGD/momentum or ScheduledAdam). */
export function setLearningRate(optimizer: tf.Optimizer, rate: number): void {
  if (optimizer instanceof ScheduledAdam || optimizer instanceof tf.SGDOptimizer) {
    optimizer.setLearningRate(rate);
    return;
  }
  throw new Error(`setLearningRate: unsupported optimiser ${optimizer.getClassName()}`);
}
