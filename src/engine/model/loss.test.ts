import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { weightedSoftmaxCrossEntropy } from './loss';

function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1664525 + 1013904223) % 2 ** 32;
    return state / 2 ** 32;
  };
}

describe('weightedSoftmaxCrossEntropy', () => {
  const [b, h, w, c] = [2, 5, 4, 3];
  const rand = random(42);
  const logits = Array.from({ length: b * h * w * c }, () => (rand() - 0.5) * 20);
  const targets = Array.from({ length: b * h * w }, () => Math.floor(rand() * c));
  const weights = Array.from({ length: b * h * w }, () => (rand() < 0.3 ? 0 : rand() * 10));

  it('equals a brute-force loop (zero weights excluded from the normalisation)', () => {
    let sum = 0;
    let labelled = 0;
    for (let p = 0; p < b * h * w; p++) {
      const row = logits.slice(p * c, p * c + c);
      const max = Math.max(...row);
      const logZ = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
      sum += weights[p]! * (logZ - row[targets[p]!]!);
      if (weights[p]! > 0) labelled++;
    }
    const loss = tf.tidy(
      () =>
        weightedSoftmaxCrossEntropy(
          tf.tensor4d(logits, [b, h, w, c]),
          tf.tensor3d(targets, [b, h, w], 'int32'),
          tf.tensor3d(weights, [b, h, w]),
        ).dataSync()[0]!,
    );
    expect(loss).toBeCloseTo(sum / labelled, 4);
  });

  it('is stable for huge logits and 0 when nothing is labelled', () => {
    const value = tf.tidy(
      () =>
        weightedSoftmaxCrossEntropy(
          tf.tensor4d([1000, -1000], [1, 1, 1, 2]),
          tf.tensor3d([[[1]]], undefined, 'int32'),
          tf.ones([1, 1, 1]),
        ).dataSync()[0],
    );
    expect(value).toBeCloseTo(2000, 1);
    const none = tf.tidy(
      () =>
        weightedSoftmaxCrossEntropy(
          tf.ones([1, 2, 2, 2]),
          tf.zeros([1, 2, 2], 'int32'),
          tf.zeros([1, 2, 2]),
        ).dataSync()[0],
    );
    expect(none).toBe(0);
  });

  it('gives exactly zero gradient at zero-weight pixels', () => {
    const before = tf.memory().numTensors;
    const grad = tf.tidy(() => {
      const t = tf.tensor3d(targets, [b, h, w], 'int32');
      const wt = tf.tensor3d(weights, [b, h, w]);
      return tf
        .grad((x: tf.Tensor) => weightedSoftmaxCrossEntropy(x as tf.Tensor4D, t, wt))(
          tf.tensor4d(logits, [b, h, w, c]),
        )
        .dataSync();
    });
    let zeroRows = 0;
    for (let p = 0; p < b * h * w; p++) {
      const row = Array.from(grad.slice(p * c, p * c + c));
      if (weights[p] === 0) {
        expect(row.every((v) => v === 0)).toBe(true);
        zeroRows++;
      } else {
        expect(row.some((v) => v !== 0)).toBe(true);
      }
    }
    expect(zeroRows).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
  });
});
