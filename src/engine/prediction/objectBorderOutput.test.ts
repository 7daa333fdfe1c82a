import { describe, expect, it } from 'vitest';
import { foregroundOfObjectBorders, foregroundPredictor } from './objectBorderOutput';
import type { Predictor } from './Predictor';
import { softmaxArgmax } from './predictImage';

/** Softmax of one pixel's logits, computed plainly. */
function softmax(logits: number[]): number[] {
  const e = logits.map((l) => Math.exp(l));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

const pixels = [
  [2, 1, 0.5], // background wins
  [0, 1.5, 1.2], // interior and border together beat background, neither alone would
  [-1, -2, 3], // border
  [0.3, 4, -2], // interior
];

describe('a model that learned object borders, used as a 2-class one', () => {
  it('reports background and foreground = interior + border, and keeps the interior probability', () => {
    const logits = Float32Array.from(pixels.flat());
    const three = softmaxArgmax(logits, 3);
    const result = foregroundOfObjectBorders({
      probabilities: three.probabilities,
      classes: three.labels,
      logits,
      tiles: 1,
    });
    pixels.forEach((l, i) => {
      const [p0, p1, p2] = softmax(l);
      expect(result.probabilities[2 * i]).toBeCloseTo(p0, 6);
      expect(result.probabilities[2 * i + 1]).toBeCloseTo(p1 + p2, 6);
      expect(result.interior[i]).toBeCloseTo(p1, 6);
      expect(result.classes[i]).toBe(p1 + p2 > p0 ? 1 : 0);
    });
    expect([...result.classes]).toEqual([0, 1, 1, 1]);
    // Pixel 1: arg-max over three classes would call it interior only by a hair; the user's
    // foreground is the sum, and softmax of the 2-class logits gives the same probabilities.
    const two = softmaxArgmax(result.logits, 2);
    for (let i = 0; i < result.probabilities.length; i++)
      expect(two.probabilities[i]).toBeCloseTo(result.probabilities[i], 6);
  });

  it('collapses tile logits for streamed prediction: softmax gives P0 and P1 + P2', async () => {
    const tile = Float32Array.from(pixels.flat());
    const network: Predictor = {
      inputSize: 2,
      outputSize: 2,
      channels: 1,
      classes: 3,
      alignment: 1,
      backend: 'logits of a known table',
      runTile: async () => tile,
      runTiles: async (tiles) => tiles.map(() => tile),
      withInputSize: () => network,
      dispose: async () => {},
    };
    const two = foregroundPredictor(network);
    expect(two.classes).toBe(2);
    const [out] = await two.runTiles([new Float32Array(4)]);
    const p = softmaxArgmax(out, 2).probabilities;
    pixels.forEach((l, i) => {
      const [p0, p1, p2] = softmax(l);
      expect(p[2 * i]).toBeCloseTo(p0, 6);
      expect(p[2 * i + 1]).toBeCloseTo(p1 + p2, 6);
    });
    expect(foregroundPredictor(network).withInputSize(4).classes).toBe(2);
  });
});
