import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createUNet } from '../model/index';
import { WeightAverage } from './weightAverage';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('WeightAverage', () => {
  it('follows ema = d_t ema + (1 - d_t) w with d_t = min(decay, (1 + t) / (10 + t)), tensors freed', () => {
    const config = { depth: 1, baseFilters: 2, inputChannels: 1, classes: 2, dropout: 0 };
    const unet = createUNet(config, 20, 1);
    const average = WeightAverage.create(unet, 0.5);
    const before = tf.memory().numTensors;
    // Brute force on plain arrays, beside the tensors.
    const expected = new Map([...unet.getWeights()].map(([k, w]) => [k, Float64Array.from(w.data)]));
    for (let t = 0; t < 4; t++) {
      const d = Math.min(0.5, (1 + t) / (10 + t));
      tf.tidy(() => {
        for (const v of unet.trainableVariables()) v.assign(tf.add(v, tf.scalar(t + 1)));
      });
      average.update(t);
      for (const [name, w] of unet.getWeights()) {
        const e = expected.get(name)!;
        for (let i = 0; i < e.length; i++) e[i] = d * e[i] + (1 - d) * w.data[i];
      }
    }
    expect(average.decayAt(0)).toBeCloseTo(0.1, 12);
    expect(average.decayAt(1000)).toBe(0.5);
    for (const [name, w] of average.unet.getWeights()) {
      const e = expected.get(name)!;
      for (let i = 0; i < e.length; i++) expect(w.data[i]).toBeCloseTo(e[i], 4);
    }
    expect(tf.memory().numTensors).toBe(before);
    average.dispose();
    unet.dispose();
  });
});
