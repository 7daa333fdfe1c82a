import { describe, expect, it } from 'vitest';
import { packRgba } from '../canvas/imageRender';
import { sortRows } from './MetricsTable';
import { differenceOverlay, predictionOverlay } from './overlays';

describe('difference overlay', () => {
  it('colours TP / FP / FN on labelled pixels only and counts them (hand case)', () => {
    // truth: 0 unlabelled, 1 background, 2 cell; prediction: network classes (1 = cell).
    const truth = Uint8Array.from([0, 0, 1, 1, 2, 2, 2, 1]);
    const pred = Uint8Array.from([1, 0, 1, 0, 1, 0, 1, 0]);
    const out = new Uint32Array(8);
    const counts = differenceOverlay(truth, pred, out);
    expect(counts).toEqual({ truePositive: 2, falsePositive: 1, falseNegative: 1, trueNegative: 2 });
    const [tp, fp, fn] = [packRgba(0x22, 0xc5, 0x5e), packRgba(0xef, 0x44, 0x44), packRgba(0x3b, 0x82, 0xf6)];
    expect([...out]).toEqual([0, 0, fp, 0, tp, fn, tp, 0]);
  });

  it('prediction overlay: class colour by project id (network class + 1), chosen objects yellow', () => {
    const palette = new Uint32Array(256);
    palette[2] = packRgba(1, 2, 3);
    const out = new Uint32Array(4);
    predictionOverlay(
      Uint8Array.from([0, 1, 1, 1]),
      Uint16Array.from([0, 1, 1, 2]),
      palette,
      new Set([2]),
      out,
    );
    expect([...out]).toEqual([0, packRgba(1, 2, 3), packRgba(1, 2, 3), packRgba(250, 204, 21)]);
  });
});

describe('metrics order', () => {
  const row = (imageId: string, iou: number | null, randError = 0) => ({
    imageId,
    name: imageId,
    scores: [
      iou === null
        ? null
        : { iou, dice: 0, pixelError: 0, randError, objectF1: 0, truthObjects: 0, predictedObjects: 0 },
    ],
  });
  it('worst first: lowest IoU, highest Rand error; unscored last; a second click flips', () => {
    const rows = [row('a', 0.9, 0.1), row('b', null), row('c', 0.2, 0.5), row('d', 0.5, 0.3)];
    expect(sortRows(rows, 'iou', 0, false).map((r) => r.imageId)).toEqual(['c', 'd', 'a', 'b']);
    expect(sortRows(rows, 'randError', 0, false).map((r) => r.imageId)).toEqual(['c', 'd', 'a', 'b']);
    expect(sortRows(rows, 'iou', 0, true).map((r) => r.imageId)).toEqual(['a', 'd', 'c', 'b']);
  });
});
