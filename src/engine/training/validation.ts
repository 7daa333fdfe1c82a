import { nearestLegalInputSize, type UNet } from '../model/index';
import { createTfPredictor, predictImage } from '../prediction/index';
import type { TrainingSample } from './tileSampler';

/** Validation figures pooled over every labelled pixel of the validation images. */
export interface ValidationMetrics {
  /** Foreground IoU: |pred fg & true fg| / |pred fg | true fg| (fg = any class but 0). */
  foregroundIoU: number;
  /** Share of labelled pixels whose predicted class is right. */
  pixelAccuracy: number;
  /** Labelled pixels counted. */
  pixels: number;
}

/**
 * Tile edge for validation: large enough to cover a whole validation image in one pass where
 * that stays moderate (<= 700 px or the training tile), since one big tile wastes far less on
 * overlapping borders than many small ones. Always legal for the depth.
 */
export function validationTileSize(unet: UNet, samples: TrainingSample[]): number {
  const border = unet.inputSize - unet.outputSize;
  const largest = Math.max(...samples.map((s) => Math.max(s.width, s.height)));
  const target = Math.min(largest + border, Math.max(unet.inputSize, 700));
  return nearestLegalInputSize(unet.config.depth, Math.max(target, unet.inputSize), 'up');
}

/**
 * Runs overlap-tile prediction (no dropout) on every validation sample and compares the
 * arg-max classes with the targets on labelled pixels (weight > 0). Samples are normalised.
 */
export async function validate(
  unet: UNet,
  samples: TrainingSample[],
  signal?: AbortSignal,
): Promise<ValidationMetrics> {
  const view = unet.withInputSize(validationTileSize(unet, samples));
  const predictor = createTfPredictor(view);
  let intersection = 0;
  let union = 0;
  let correct = 0;
  let pixels = 0;
  try {
    for (const s of samples) {
      const result = await predictImage(s.image, s.width, s.height, s.channels, predictor, { signal });
      for (let i = 0; i < s.weights.length; i++) {
        if (!(s.weights[i] > 0)) continue;
        const predicted = result.classes[i];
        const truth = s.targets[i];
        pixels++;
        if (predicted === truth) correct++;
        const p = predicted > 0;
        const t = truth > 0;
        if (p && t) intersection++;
        if (p || t) union++;
      }
    }
  } finally {
    await predictor.dispose();
    view.dispose();
  }
  return {
    // No foreground predicted or labelled anywhere: a perfect (empty) match.
    foregroundIoU: union === 0 ? 1 : intersection / union,
    pixelAccuracy: pixels === 0 ? 0 : correct / pixels,
    pixels,
  };
}
