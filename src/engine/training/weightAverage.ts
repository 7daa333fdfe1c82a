import * as tf from '@tensorflow/tfjs';
import { createUNet, type NamedWeights, type UNet } from '../model/index';

/**
 * An exponential moving average of a U-Net's weights (Polyak averaging), kept in a second U-Net
 * of the same architecture so that validation, previews and saved models can run it directly:
 *   ema <- d_t * ema + (1 - d_t) * w,   d_t = min(decay, (1 + t) / (10 + t)),
 * t = updates so far (TensorFlow's ExponentialMovingAverage with num_updates): early on the
 * average follows the weights closely instead of dragging the random initialisation along.
 * Only tensor ops: no read back to the CPU per step. `dispose()` frees the shadow U-Net.
 */
export class WeightAverage {
  readonly unet: UNet;

  private constructor(
    private readonly source: UNet,
    readonly decay: number,
    shadow: UNet,
  ) {
    this.unet = shadow;
  }

  /** Starts the average at the source's current weights (or at `initial`). */
  static create(source: UNet, decay: number, initial?: NamedWeights): WeightAverage {
    const shadow = createUNet(source.config, source.inputSize, 0);
    try {
      if (initial) shadow.setWeights(initial);
      else copyVariables(source, shadow);
    } catch (error) {
      shadow.dispose();
      throw error;
    }
    return new WeightAverage(source, decay, shadow);
  }

  /** The decay applied at update number `t` (0-based). */
  decayAt(t: number): number {
    return Math.min(this.decay, (1 + t) / (10 + t));
  }

  /** Folds the source's current weights in; `t` = updates before this one (the step index). */
  update(t: number): void {
    const keep = this.decayAt(t);
    const from = this.source.trainableVariables();
    const into = this.unet.trainableVariables();
    tf.tidy(() => {
      const rate = tf.scalar(1 - keep);
      for (let i = 0; i < into.length; i++) {
        into[i].assign(tf.add(into[i], tf.mul(tf.sub(from[i], into[i]), rate)));
      }
    });
  }

  dispose(): void {
    this.unet.dispose();
  }
}

/** Copies `from`'s trainable variables into `into`'s on the device (no read back to the CPU). */
function copyVariables(from: UNet, into: UNet): void {
  const source = from.trainableVariables();
  const target = into.trainableVariables();
  for (let i = 0; i < target.length; i++) target[i].assign(source[i]);
}
