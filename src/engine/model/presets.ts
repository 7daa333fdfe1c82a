import type { UNetConfig } from './types';

/** Optimiser of a training run; learning rates are per step of the mean (normalised) loss. */
export type OptimizerConfig =
  | { kind: 'sgd'; learningRate: number; momentum: number }
  | { kind: 'adam'; learningRate: number; beta1: number; beta2: number };

/** A named bundle of architecture, tile and optimiser settings for `train --preset`. */
export interface TrainingPreset {
  name: 'paper' | 'fast';
  description: string;
  architecture: UNetConfig;
  /** Input tile edge (px); legal for the architecture's depth. */
  tileSize: number;
  batchSize: number;
  optimizer: OptimizerConfig;
  /** Learning-rate schedule over the run's budget (training/lrSchedule). */
  schedule: 'constant' | 'cosine';
  /** Share of the budget spent warming the rate up (cosine only). */
  warmup: number;
  /** Decay of the weight average used for validation and saved models; 0 = none. */
  emaDecay: number;
  /** Input normalisation of new runs: per-image percentiles or the training set's mean/std. */
  normalization: 'percentile' | 'meanStd';
  /** Border weight amplitude of the weight map (eq. 2); 0 = no border term. */
  w0: number;
  /** Class-frequency weights w_c of the weight map (eq. 2); 'auto' = only for sparse objects. */
  classBalance: boolean | 'auto';
  /**
   * Learn object outlines as a third class (weightmap/objectBorders); 'auto' = when labelled
   * objects touch (training/touchingObjects), which binary masks never show.
   */
  objectBorders: boolean | 'auto';
}

/**
 * paper: the published setting (depth 4, 64 filters, 572 tile -> 388 output, batch 1, SGD with
 * momentum 0.99 so that many earlier tiles steer each update). It needs a GPU (or tfjs-node):
 * about 31.0M parameters and several GiB of activations per step, which the 4 GiB wasm heap
 * cannot hold (checkTrainingFits refuses it there).
 *
 * fast: the same topology with 16 base filters (1/16 of the FLOPs, 1.94M parameters) at a
 * 348 tile (164 px output) and Adam 1e-3, which converges in a few hundred steps without the
 * momentum warm-up SGD 0.99 needs. The tile is a trade-off of the unpadded border: a 252 tile
 * yields only a 68 px output, and measured on wasm a 348 tile labels about 1.8x more output
 * pixels per second (5.0k px/s at 252, 8.9k at 348, 10k at 444) while a step stays under a
 * second on a 2-core laptop, so ISBI-like data gives usable masks in minutes. Dropout 0.5 as in
 * the paper.
 */
export const PRESETS: Record<TrainingPreset['name'], TrainingPreset> = {
  paper: {
    name: 'paper',
    description: 'Paper setting: depth 4, 64 filters, 572 tile, SGD momentum 0.99 (GPU recommended)',
    architecture: { depth: 4, baseFilters: 64, inputChannels: 1, classes: 2, dropout: 0.5 },
    tileSize: 572,
    batchSize: 1,
    optimizer: { kind: 'sgd', learningRate: 0.01, momentum: 0.99 },
    schedule: 'constant',
    warmup: 0,
    emaDecay: 0,
    normalization: 'percentile',
    w0: 10,
    classBalance: true,
    objectBorders: false,
  },
  fast: {
    name: 'fast',
    description: 'CPU-friendly: depth 4, 16 filters, 348 tile, Adam 1e-3 (useful masks in minutes)',
    architecture: { depth: 4, baseFilters: 16, inputChannels: 1, classes: 2, dropout: 0.5 },
    tileSize: 348,
    batchSize: 1,
    optimizer: { kind: 'adam', learningRate: 1e-3, beta1: 0.9, beta2: 0.999 },
    schedule: 'cosine',
    warmup: 0.05,
    emaDecay: 0.995,
    normalization: 'percentile',
    w0: 0,
    classBalance: 'auto',
    objectBorders: 'auto',
  },
};
