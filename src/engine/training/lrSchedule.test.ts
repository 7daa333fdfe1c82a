import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { budgetProgress, FINAL_FACTOR, learningRateAt, scheduleSpan, setLearningRate } from './lrSchedule';
import { createOptimizer } from './optimizerState';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('learningRateAt', () => {
  it('warms up linearly from 10% of the base, then follows a half cosine down to 1%', () => {
    const base = 2e-3;
    expect(learningRateAt('cosine', base, 0, 0.1)).toBeCloseTo(0.1 * base, 12);
    expect(learningRateAt('cosine', base, 0.05, 0.1)).toBeCloseTo(0.55 * base, 12);
    expect(learningRateAt('cosine', base, 0.1, 0.1)).toBeCloseTo(base, 12);
    // Halfway through the cosine part: the mean of base and floor.
    expect(learningRateAt('cosine', base, 0.55, 0.1)).toBeCloseTo((base + FINAL_FACTOR * base) / 2, 12);
    expect(learningRateAt('cosine', base, 1, 0.1)).toBeCloseTo(FINAL_FACTOR * base, 12);
    expect(learningRateAt('cosine', base, 7, 0.1)).toBeCloseTo(FINAL_FACTOR * base, 12);
    // Never increases after the warm-up.
    let last = Number.POSITIVE_INFINITY;
    for (let p = 0.1; p <= 1; p += 0.01) {
      const rate = learningRateAt('cosine', base, p, 0.1);
      expect(rate).toBeLessThanOrEqual(last + 1e-15);
      last = rate;
    }
  });

  it('stays at the base rate when constant', () => {
    expect(learningRateAt('constant', 0.01, 0.7, 0.1)).toBe(0.01);
  });
});

describe('budgetProgress', () => {
  const fresh = (budget: { steps?: number; minutes?: number }) => scheduleSpan(budget, undefined, 0, 0);

  it('is the further of the step and time fractions, clamped to 1', () => {
    expect(budgetProgress(fresh({ steps: 200 }), 50, 1e9)).toBe(0.25);
    expect(budgetProgress(fresh({ minutes: 10 }), 1e9, 150)).toBe(0.25);
    expect(budgetProgress(fresh({ steps: 100, minutes: 10 }), 50, 450)).toBe(0.75);
    expect(budgetProgress(fresh({ steps: 10 }), 20, 0)).toBe(1);
  });

  it('keeps the span on a resume with the same budget, starts a new one when the budget grows', () => {
    const first = fresh({ steps: 100 });
    expect(scheduleSpan({ steps: 100 }, first, 40, 60)).toBe(first);
    const extended = scheduleSpan({ steps: 300 }, first, 100, 60);
    expect(extended).toEqual({ originStep: 100, originSeconds: 60, steps: 300, minutes: undefined });
    expect(budgetProgress(extended, 100, 60)).toBe(0);
    expect(budgetProgress(extended, 200, 1e9)).toBe(0.5);
  });
});

describe('setLearningRate', () => {
  it('changes the step size of Adam and of SGD with momentum', async () => {
    for (const config of [
      { kind: 'adam' as const, learningRate: 1, beta1: 0.9, beta2: 0.999 },
      { kind: 'sgd' as const, learningRate: 1, momentum: 0 },
    ]) {
      const optimizer = createOptimizer(config);
      const v = tf.variable(tf.scalar(0));
      setLearningRate(optimizer, 0.25);
      // Gradient 1: SGD moves by lr; Adam's first bias-corrected step is lr * g / |g| = lr.
      optimizer.applyGradients([{ name: v.name, tensor: tf.scalar(1) }]);
      expect((await v.data())[0]).toBeCloseTo(-0.25, 4);
      optimizer.dispose();
      v.dispose();
    }
  });
});
