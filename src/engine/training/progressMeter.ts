/** A source of milliseconds (injected in tests). */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => performance.now() };

/** Speed and remaining time of a run; see ProgressMeter. */
export interface ProgressFigures {
  tilesPerSecond: number;
  elapsedSeconds: number;
  etaSeconds?: number;
  fraction?: number;
}

/**
 * Training speed and ETA. Speed is tiles per second over the last `window` steps (so a slow
 * first step or a validation pause fades out); elapsed time adds the time of earlier sessions of
 * a resumed run; ETA is the remaining steps at the current speed, or the rest of the time
 * budget, whichever ends first. Validation and checkpoint pauses are excluded from the speed by
 * `pause()`/`resume()`, but they count towards elapsed time.
 */
export class ProgressMeter {
  private readonly stamps: { at: number; step: number }[] = [];
  private readonly sessionStart: number;
  private pausedAt: number | null = null;
  private pausedTotal = 0;

  constructor(
    private readonly clock: Clock,
    private readonly budget: { steps?: number; minutes?: number },
    private readonly tilesPerStep: number,
    private readonly elapsedBefore: number,
    startStep: number,
    private readonly window = 20,
  ) {
    this.sessionStart = clock.now();
    this.stamps.push({ at: this.sessionStart, step: startStep });
  }

  /** Seconds of training so far, earlier sessions included. */
  elapsedSeconds(): number {
    return this.elapsedBefore + (this.clock.now() - this.sessionStart) / 1000;
  }

  /** True once the step or time budget is used up. */
  isFinished(step: number): boolean {
    if (this.budget.steps !== undefined && step >= this.budget.steps) return true;
    return this.budget.minutes !== undefined && this.elapsedSeconds() >= this.budget.minutes * 60;
  }

  pause(): void {
    this.pausedAt ??= this.clock.now();
  }

  resume(): void {
    if (this.pausedAt === null) return;
    this.pausedTotal += this.clock.now() - this.pausedAt;
    this.pausedAt = null;
  }

  /** Records that `step` steps are done and returns the figures for a progress event. */
  record(step: number): ProgressFigures {
    const now = this.clock.now() - this.pausedTotal;
    this.stamps.push({ at: now, step });
    if (this.stamps.length > this.window + 1) this.stamps.shift();
    const first = this.stamps[0];
    const seconds = (now - first.at) / 1000;
    const stepsPerSecond = seconds > 0 ? (step - first.step) / seconds : 0;
    const elapsedSeconds = this.elapsedSeconds();
    const candidates: number[] = [];
    const fractions: number[] = [];
    if (this.budget.steps !== undefined) {
      fractions.push(step / this.budget.steps);
      if (stepsPerSecond > 0) candidates.push((this.budget.steps - step) / stepsPerSecond);
    }
    if (this.budget.minutes !== undefined) {
      const total = this.budget.minutes * 60;
      fractions.push(elapsedSeconds / total);
      candidates.push(total - elapsedSeconds);
    }
    const figures: ProgressFigures = { tilesPerSecond: stepsPerSecond * this.tilesPerStep, elapsedSeconds };
    if (candidates.length > 0) figures.etaSeconds = Math.max(0, Math.min(...candidates));
    if (fractions.length > 0) figures.fraction = Math.min(1, Math.max(...fractions));
    return figures;
  }
}
