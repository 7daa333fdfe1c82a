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
 * How far a run is through its budget, 0..1: steps done over the step budget, elapsed seconds
 * over the time budget, whichever is further (a run stops at the first budget it reaches). The
 * step form is what makes a resumed run repeat the uninterrupted one exactly; the time form
 * follows the wall clock, so a slower machine still anneals by the end of its minutes.
 */
export function budgetProgress(
  budget: { steps?: number; minutes?: number },
  step: number,
  elapsedSeconds: number,
): number {
  const parts: number[] = [];
  if (budget.steps !== undefined) parts.push(step / budget.steps);
  if (budget.minutes !== undefined) parts.push(elapsedSeconds / (budget.minutes * 60));
  return parts.length === 0 ? 0 : Math.min(1, Math.max(...parts));
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
