import * as tf from '@tensorflow/tfjs';
import { AppError } from '../../shared/errors';
import { type AugmentOptions, augmentSample, type Rng } from '../augment/index';
import { takeWebGpuErrors } from '../backend/index';
import { type UNet, weightedSoftmaxCrossEntropy } from '../model/index';
import { chooseOutputWindow, cropCentre, cutTile, LabelledCounter, type TrainingSample } from './tileSampler';
import type { TrainConfig } from './trainConfig';

/** A sample ready for tile sampling (its labelled-pixel counter built once). */
export interface SamplerEntry {
  sample: TrainingSample;
  counter: LabelledCounter;
}

/** One batch as plain arrays: x [B, in, in, C], targets and weights [B, out, out]. */
export interface Batch {
  size: number;
  inputSize: number;
  outputSize: number;
  channels: number;
  x: Float32Array;
  targets: Int32Array;
  weights: Float32Array;
}

/** Builds the sampler entries; samples without any labelled pixel are left out. */
export function samplerEntries(samples: TrainingSample[]): SamplerEntry[] {
  return samples
    .map((sample) => ({ sample, counter: new LabelledCounter(sample.width, sample.height, sample.weights) }))
    .filter((entry) => entry.counter.total > 0);
}

/** The augmentation options of a run, or null when augmentation is off. */
export function augmentOptions(config: TrainConfig): AugmentOptions | null {
  const a = config.augmentation;
  if (!a.enabled) return null;
  return {
    elastic: a.elasticSigma > 0,
    elasticSigma: a.elasticSigma,
    flips: a.flips,
    rot90: a.flips,
    rotationDegrees: a.rotationDegrees,
    // Pixels are normalised (std 1), so an offset of 0.1 is a tenth of the intensity spread.
    intensity: a.intensity ? { gain: 0.1, offset: 0.1 } : false,
    invert: a.invert,
  };
}

/**
 * Draws `size` random tiles: an image uniformly, an output window holding labelled pixels, the
 * mirrored input tile around it, then augmentation of the whole tile (image, targets, weights
 * deformed alike) and the centre crop of targets/weights. All randomness comes from `rng`.
 */
export function drawBatch(
  entries: SamplerEntry[],
  size: number,
  inputSize: number,
  outputSize: number,
  rng: Rng,
  augment: AugmentOptions | null,
): Batch {
  const channels = entries[0].sample.channels;
  const inLength = inputSize * inputSize * channels;
  const outLength = outputSize * outputSize;
  const batch: Batch = {
    size,
    inputSize,
    outputSize,
    channels,
    x: new Float32Array(size * inLength),
    targets: new Int32Array(size * outLength),
    weights: new Float32Array(size * outLength),
  };
  for (let b = 0; b < size; b++) {
    const entry = entries[Math.floor(rng.next() * entries.length)];
    const window = chooseOutputWindow(entry.counter, outputSize, rng);
    let tile = cutTile(entry.sample, window.x, window.y, inputSize, outputSize);
    if (augment !== null) tile = augmentSample(tile, rng, augment);
    batch.x.set(tile.image, b * inLength);
    batch.targets.set(cropCentre(tile.targets, inputSize, outputSize), b * outLength);
    batch.weights.set(cropCentre(tile.weights, inputSize, outputSize), b * outLength);
  }
  return batch;
}

/**
 * Losses above this mean the run has blown up although the number is still finite: the loss is a
 * weighted cross-entropy averaged over labelled pixels, so even a rare class (w_c ~ 50) predicted
 * wrongly with logits 20 apart costs ~1e3; 1e6 needs logits ~1e5 apart.
 */
export const DIVERGED_LOSS = 1e6;

/** True for a loss that means the run diverged: NaN, infinite, or above DIVERGED_LOSS. */
export function isDivergedLoss(loss: number): boolean {
  return !Number.isFinite(loss) || loss > DIVERGED_LOSS;
}

/**
 * One optimisation step: forward, weighted cross-entropy, gradients, and - only if the loss has
 * not diverged (isDivergedLoss) - the update. Returns the loss; a diverged loss leaves weights and
 * optimiser untouched. Every tensor it makes is freed before it returns.
 */
export async function trainStep(
  unet: UNet,
  optimizer: tf.Optimizer,
  batch: Batch,
  dropoutSeed?: number,
): Promise<number> {
  const variables = unet.trainableVariables();
  const { value, grads } = tf.variableGrads(() => {
    const x = tf.tensor4d(batch.x, [batch.size, batch.inputSize, batch.inputSize, batch.channels]);
    const targets = tf.tensor3d(batch.targets, [batch.size, batch.outputSize, batch.outputSize], 'int32');
    const weights = tf.tensor3d(batch.weights, [batch.size, batch.outputSize, batch.outputSize]);
    return weightedSoftmaxCrossEntropy(unet.apply(x, true, dropoutSeed), targets, weights);
  }, variables);
  try {
    // The step's only read from the device, and an asynchronous one (no dataSync in the loop).
    const loss = (await value.data())[0];
    throwOnGpuFault();
    if (!isDivergedLoss(loss)) {
      // Gradients as a list, in variable order: TF.js optimisers match their slots by position.
      tf.tidy(() =>
        optimizer.applyGradients(variables.map((v) => ({ name: v.name, tensor: grads[v.name] }))),
      );
    }
    return loss;
  } finally {
    value.dispose();
    tf.dispose(grads);
  }
}

/**
 * On WebGPU a failed allocation does not throw: the device reports it on the side and the step
 * computes on empty buffers. So the device's errors are checked once the loss is in; out of
 * memory becomes AppError('out_of_memory') with advice, anything else 'backend_unavailable'.
 */
function throwOnGpuFault(): void {
  if (tf.getBackend() !== 'webgpu') return;
  const errors = takeWebGpuErrors();
  if (errors.length === 0) return;
  const first = errors[0].split('\n')[0];
  if (errors.some((e) => /out of memory|allocation failed|OOM/i.test(e))) {
    throw new AppError(
      'out_of_memory',
      'The GPU ran out of memory during a training step. Use a smaller tile, batch 1 or the fast preset, or close other programs using the GPU.',
      errors.join('\n'),
    );
  }
  throw new AppError(
    'backend_unavailable',
    `The GPU reported an error during a training step: ${first}`,
    errors.join('\n'),
  );
}
