import { describe, expect, it } from 'vitest';
import { ProgressMeter } from './progressMeter';

function fakeClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('progress meter', () => {
  it('tiles per second and ETA from a step budget', () => {
    const clock = fakeClock();
    const meter = new ProgressMeter(clock, { steps: 100 }, 2, 0, 0);
    let figures = meter.record(0);
    for (let s = 1; s <= 10; s++) {
      clock.advance(500); // 2 steps/s, 2 tiles per step
      figures = meter.record(s);
    }
    expect(figures.tilesPerSecond).toBeCloseTo(4, 10);
    expect(figures.etaSeconds).toBeCloseTo(90 / 2, 10);
    expect(figures.fraction).toBeCloseTo(0.1, 10);
    expect(figures.elapsedSeconds).toBeCloseTo(5, 10);
    expect(meter.isFinished(99)).toBe(false);
    expect(meter.isFinished(100)).toBe(true);
  });

  it('a time budget counts earlier sessions, and pauses do not slow the speed', () => {
    const clock = fakeClock();
    // Resumed run: 30 s already trained, 1-minute budget, started at step 40.
    const meter = new ProgressMeter(clock, { minutes: 1 }, 1, 30, 40);
    clock.advance(1000);
    meter.record(41);
    meter.pause();
    clock.advance(5000); // validation
    meter.resume();
    clock.advance(1000);
    const figures = meter.record(42);
    expect(figures.tilesPerSecond).toBeCloseTo(1, 10);
    expect(figures.elapsedSeconds).toBeCloseTo(37, 10);
    expect(figures.etaSeconds).toBeCloseTo(23, 10);
    expect(meter.isFinished(42)).toBe(false);
    clock.advance(23_000);
    expect(meter.isFinished(42)).toBe(true);
  });

  it('with both budgets the ETA is the earlier end', () => {
    const clock = fakeClock();
    const meter = new ProgressMeter(clock, { steps: 1000, minutes: 2 }, 1, 0, 0);
    clock.advance(1000);
    const figures = meter.record(10); // 10 steps/s: steps end in 99 s, time in 119 s
    expect(figures.etaSeconds).toBeCloseTo(99, 10);
  });
});
