/**
 * The contingency table of two label images (0 = background, 1..count = objects): how many
 * pixels each (truth object, predicted object) pair shares, plus each object's size. Pairs
 * are kept sparse (only pairs that overlap), so thousands of objects stay cheap.
 */
export interface OverlapTable {
  /** Pixels of each truth label, index 0..truthCount (index 0 = truth background). */
  truthSizes: Float64Array;
  /** Pixels of each predicted label, index 0..predCount (index 0 = predicted background). */
  predSizes: Float64Array;
  /** Parallel arrays of the overlapping pairs (labels may be 0) and their pixel counts. */
  truth: Int32Array;
  pred: Int32Array;
  count: Float64Array;
}

/** Dense table when (truth+1) x (pred+1) cells stay below this; a hash map above. */
const DENSE_LIMIT = 1 << 21;

/**
 * Counts overlaps of `truth` and `pred` (labels in 0..truthCount / 0..predCount) over the
 * pixels where `include` is 1 (all pixels when absent).
 */
export function overlapTable(
  truth: Int32Array,
  truthCount: number,
  pred: Int32Array,
  predCount: number,
  include?: Uint8Array,
): OverlapTable {
  const truthSizes = new Float64Array(truthCount + 1);
  const predSizes = new Float64Array(predCount + 1);
  const stride = predCount + 1;
  const cells = (truthCount + 1) * stride;
  const dense = cells <= DENSE_LIMIT ? new Int32Array(cells) : undefined;
  const sparse = dense ? undefined : new Map<number, number>();
  for (let i = 0; i < truth.length; i++) {
    if (include && include[i] === 0) continue;
    const t = truth[i];
    const p = pred[i];
    truthSizes[t]++;
    predSizes[p]++;
    const key = t * stride + p;
    if (dense) dense[key]++;
    else sparse?.set(key, (sparse.get(key) ?? 0) + 1);
  }
  const keys: number[] = [];
  const values: number[] = [];
  if (dense) {
    for (let key = 0; key < cells; key++) {
      if (dense[key] > 0) {
        keys.push(key);
        values.push(dense[key]);
      }
    }
  } else {
    for (const [key, value] of sparse ?? []) {
      keys.push(key);
      values.push(value);
    }
  }
  return {
    truthSizes,
    predSizes,
    truth: Int32Array.from(keys, (k) => Math.floor(k / stride)),
    pred: Int32Array.from(keys, (k) => k % stride),
    count: Float64Array.from(values),
  };
}
