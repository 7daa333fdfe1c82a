import type { OverlapTable } from './overlapTable';

/** Foreground-restricted Rand scores (all in [0, 1]). */
export interface RandScores {
  /** Of the pixel pairs the prediction puts in one segment, the share the truth does too. */
  mergePrecision: number;
  /** Of the pixel pairs the truth puts in one segment, the share the prediction does too. */
  splitRecall: number;
  /** V_rand: the F-score of the two. */
  fScore: number;
  /** 1 - V_rand, the ISBI 2012 "Rand error". */
  error: number;
}

/**
 * Foreground-restricted Rand scoring of the ISBI 2012 challenge: I. Arganda-Carreras et al.,
 * "Crowdsourcing the creation of image segmentation algorithms for connectomics", Front.
 * Neuroanat. 9:142 (2015), eq. for V_rand with alpha = 0.5, as implemented by the challenge's
 * Fiji code (Trainable Segmentation, RandError.foregroundRestrictedStatsN2).
 *
 * With n_ij the pixels shared by truth segment i and predicted segment j, over the pixels
 * whose truth is foreground (truth background row i = 0 is dropped entirely):
 *   a_i = sum_j n_ij (j = 0 included),  b_j = sum_{i>=1} n_ij for j >= 1,
 *   c = sum_i n_i0 (truth-foreground pixels the prediction calls background),
 *   sumA = sum a_i^2,  sumB = sum b_j^2 + c,  sumAB = sum_{i,j>=1} n_ij^2 + c,
 *   precision = sumAB / sumB, recall = sumAB / sumA, V_rand = 2 sumAB / (sumA + sumB).
 * Predicted background pixels inside truth foreground are treated as singletons, each its own
 * one-pixel segment (the "+ c" terms; the challenge code adds sum p_i0 / n in probabilities,
 * which is the same thing): they can merge nothing, but split the truth object they sit in,
 * so predicting a cell as background costs recall instead of being ignored. Counting is over
 * ordered pairs including a pixel with itself (the N^2 normalisation of the challenge code).
 * With no truth foreground there is nothing to split or merge: every score is 1, error 0.
 *
 * `table` must be built over the truth-foreground (and labelled) pixels only.
 */
export function randScores(table: OverlapTable): RandScores {
  let sumA = 0;
  for (let i = 1; i < table.truthSizes.length; i++) sumA += table.truthSizes[i] ** 2;
  const b = new Float64Array(table.predSizes.length);
  let sumAB = 0;
  let singletons = 0;
  for (let k = 0; k < table.count.length; k++) {
    const i = table.truth[k];
    const j = table.pred[k];
    const n = table.count[k];
    if (i === 0) continue;
    if (j === 0) {
      singletons += n;
      continue;
    }
    b[j] += n;
    sumAB += n * n;
  }
  let sumB = singletons;
  for (let j = 1; j < b.length; j++) sumB += b[j] * b[j];
  sumAB += singletons;
  if (sumA === 0) return { mergePrecision: 1, splitRecall: 1, fScore: 1, error: 0 };
  const fScore = (2 * sumAB) / (sumA + sumB);
  return { mergePrecision: sumAB / sumB, splitRecall: sumAB / sumA, fScore, error: 1 - fScore };
}
