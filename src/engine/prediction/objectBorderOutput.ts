import type { Predictor } from './Predictor';
import type { PredictImageResult } from './predictImage';

/**
 * Classes a model's predictions hold: its network's, or 2 (background, foreground = interior +
 * border) for a model that learned object borders.
 */
export function predictedClassCount(networkClasses: number, objectBorders: boolean | undefined): number {
  return objectBorders === true ? 2 : networkClasses;
}

/**
 * A model that learned object borders (ModelMetadata.objectBorders) outputs background, object
 * interior and object border. What a user gets is one foreground class, interior + border:
 * P'(background) = P0 and P'(foreground) = P1 + P2, the class map their arg-max (background on
 * ties, as softmaxArgmax), logits log P'. P1 is kept as `interior`: it tells touching objects
 * apart (instances/predictedObjects). The result has 2 classes where `result` has 3.
 */
export function foregroundOfObjectBorders(
  result: PredictImageResult,
): PredictImageResult & { interior: Float32Array } {
  const n = result.classes.length;
  const probabilities = new Float32Array(2 * n);
  const logits = new Float32Array(2 * n);
  const classes = new Uint8Array(n);
  const interior = new Float32Array(n);
  const p = result.probabilities;
  for (let i = 0; i < n; i++) {
    const background = p[3 * i];
    const foreground = p[3 * i + 1] + p[3 * i + 2];
    probabilities[2 * i] = background;
    probabilities[2 * i + 1] = foreground;
    // Softmax underflows to 0 far from the decision; keep the logits finite.
    logits[2 * i] = Math.log(Math.max(background, 1e-38));
    logits[2 * i + 1] = Math.log(Math.max(foreground, 1e-38));
    classes[i] = foreground > background ? 1 : 0;
    interior[i] = p[3 * i + 1];
  }
  return { probabilities, classes, logits, tiles: result.tiles, interior };
}

/**
 * The same network as a 2-class one (background, foreground = interior + border): each tile's
 * logits l0, l1, l2 become l0 and log(e^l1 + e^l2), whose softmax is P0 and P1 + P2. For
 * predictions that keep only the class map (streamed images).
 */
export function foregroundPredictor(predictor: Predictor): Predictor {
  const collapse = (logits: Float32Array): Float32Array => {
    const n = logits.length / 3;
    const out = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      const a = logits[3 * i + 1];
      const b = logits[3 * i + 2];
      const top = Math.max(a, b);
      out[2 * i] = logits[3 * i];
      out[2 * i + 1] = top + Math.log(Math.exp(a - top) + Math.exp(b - top));
    }
    return out;
  };
  return {
    ...predictor,
    classes: 2,
    runTile: async (tile) => collapse(await predictor.runTile(tile)),
    runTiles: async (tiles) => (await predictor.runTiles(tiles)).map(collapse),
    withInputSize: (size) => foregroundPredictor(predictor.withInputSize(size)),
    dispose: () => predictor.dispose(),
  };
}
