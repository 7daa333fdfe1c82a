import type { OverlapTable } from './overlapTable';

/** What OverlapCounter needs of a finished StreamingComponents. */
interface FinishedLabels {
  objects: readonly unknown[];
  idOf: (label: number) => number;
}

/**
 * `overlapTable` for label images that arrive in bands with provisional labels (from
 * StreamingComponents.addRows): counts pixels per (truth label, predicted label) pair, one map
 * update per run of equal pairs, and resolves the labels to object ids at the end. Memory: one
 * entry per distinct pair of provisional labels, about the number of overlapping objects.
 */
export class OverlapCounter {
  private readonly pairs = new Map<number, Map<number, number>>();

  /** Adds the pixels of one band: provisional truth and predicted labels, same length. */
  add(truth: Int32Array, pred: Int32Array): void {
    let i = 0;
    while (i < truth.length) {
      const t = truth[i];
      const p = pred[i];
      let end = i + 1;
      while (end < truth.length && truth[end] === t && pred[end] === p) end++;
      let row = this.pairs.get(t);
      if (!row) {
        row = new Map();
        this.pairs.set(t, row);
      }
      row.set(p, (row.get(p) ?? 0) + end - i);
      i = end;
    }
  }

  /** The table of object ids (0 = background), as `overlapTable` builds it over all pixels. */
  table(truth: FinishedLabels, pred: FinishedLabels): OverlapTable {
    const truthSizes = new Float64Array(truth.objects.length + 1);
    const predSizes = new Float64Array(pred.objects.length + 1);
    const merged = new Map<number, Map<number, number>>();
    for (const [t, row] of this.pairs) {
      const ti = truth.idOf(t);
      let target = merged.get(ti);
      if (!target) {
        target = new Map();
        merged.set(ti, target);
      }
      for (const [p, n] of row) {
        const pi = pred.idOf(p);
        target.set(pi, (target.get(pi) ?? 0) + n);
        truthSizes[ti] += n;
        predSizes[pi] += n;
      }
    }
    const truthIds: number[] = [];
    const predIds: number[] = [];
    const counts: number[] = [];
    for (const [ti, row] of merged) {
      for (const [pi, n] of row) {
        truthIds.push(ti);
        predIds.push(pi);
        counts.push(n);
      }
    }
    return {
      truthSizes,
      predSizes,
      truth: Int32Array.from(truthIds),
      pred: Int32Array.from(predIds),
      count: Float64Array.from(counts),
    };
  }
}
