import type { OverlapTable } from './overlapTable';

/** Object-level scores of a prediction against the truth. */
export interface ObjectScores {
  /** Cell tracking challenge SEG: mean Jaccard of each truth object with its match. */
  seg: number;
  precision: number;
  recall: number;
  f1: number;
  /** Pairs matched at IoU > 0.5. */
  matches: number;
  truthObjects: number;
  predictedObjects: number;
}

/**
 * SEG and detection scores from the overlap table of two instance images (built over all
 * pixels). SEG (Maška et al., "A benchmark for comparison of cell tracking algorithms",
 * Bioinformatics 2014; Ulman et al., Nat. Methods 2017): a truth object R is matched by the
 * predicted object S with |R ∩ S| > 0.5 |R| (at most one can be), scoring |R ∩ S| / |R ∪ S|,
 * else 0; SEG is the mean over truth objects. Detection: a pair matches when IoU > 0.5, which
 * makes matching one-to-one by itself (two objects cannot both overlap one by more than half
 * of the union). Empty cases: no truth and no predicted objects -> every score 1; objects on
 * one side only -> precision, recall, F1 and SEG 0.
 */
export function objectScores(table: OverlapTable): ObjectScores {
  const truthObjects = table.truthSizes.length - 1;
  const predictedObjects = table.predSizes.length - 1;
  let segSum = 0;
  let matches = 0;
  for (let k = 0; k < table.count.length; k++) {
    const i = table.truth[k];
    const j = table.pred[k];
    if (i === 0 || j === 0) continue;
    const shared = table.count[k];
    const union = table.truthSizes[i] + table.predSizes[j] - shared;
    if (2 * shared > table.truthSizes[i]) segSum += shared / union;
    if (2 * shared > union) matches++;
  }
  if (truthObjects === 0 && predictedObjects === 0) {
    return { seg: 1, precision: 1, recall: 1, f1: 1, matches: 0, truthObjects, predictedObjects };
  }
  const precision = predictedObjects > 0 ? matches / predictedObjects : 0;
  const recall = truthObjects > 0 ? matches / truthObjects : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  const seg = truthObjects > 0 ? segSum / truthObjects : 0;
  return { seg, precision, recall, f1, matches, truthObjects, predictedObjects };
}
