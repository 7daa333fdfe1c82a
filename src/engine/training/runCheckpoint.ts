import type * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { type NamedWeights, normalizationSchema, type UNet } from '../model/index';
import type { Normalization } from '../model/types';
import { type CheckpointTensor, loadCheckpoint, saveCheckpoint } from './checkpointStore';
import type { ScheduleSpan } from './lrSchedule';
import { readOptimizerState, writeOptimizerState } from './optimizerState';
import { incompatibility, type ResolvedSettings, type TrainConfig } from './trainConfig';
import type { WeightAverage } from './weightAverage';

/** The JSON half of a training checkpoint (the tensors are weights and optimiser slots). */
export interface RunState {
  version: 1;
  step: number;
  /** Seconds of training in all sessions so far. */
  elapsedSeconds: number;
  /** Snapshot of the data/augmentation RNG (createRng state). */
  rngState: unknown;
  settings: ResolvedSettings;
  normalization: Normalization;
  optimizerIterations: number;
  bestValidationIoU: number | null;
  bestStep: number | null;
  /** Validation IoU and step of the latest validation (absent in older checkpoints). */
  lastValidationIoU?: number | null;
  lastValidatedStep?: number | null;
  /** The stretch the learning-rate schedule spans (absent in older checkpoints). */
  schedule?: ScheduleSpan;
  /** The run's config when the checkpoint was written (provenance; resume may change budgets). */
  config: TrainConfig;
}

/** A checkpoint as read: `weights` to predict with, `trainWeights` when a weight average differs. */
export interface RunCheckpoint {
  state: RunState;
  weights: NamedWeights;
  trainWeights: NamedWeights | null;
  slots: CheckpointTensor[];
}
/**
 * Schema of a checkpoint's state.json: the fields readers rely on are checked, the rest (RNG
 * state, config, fields of later versions) pass through as they are.
 */
export const runStateSchema = z.looseObject({
  version: z.number().int(),
  step: z.number().int().min(0),
  elapsedSeconds: z.number().min(0),
  settings: z.looseObject({
    architecture: z.looseObject({
      depth: z.number().int().min(1),
      baseFilters: z.number().int().min(1),
      inputChannels: z.number().int().min(1),
      classes: z.number().int().min(1),
      dropout: z.number().min(0).max(1),
    }),
    tileSize: z.number().int().min(1),
    batch: z.number().int().min(1),
    optimizer: z.looseObject({ kind: z.enum(['sgd', 'adam']), learningRate: z.number() }),
  }),
  normalization: normalizationSchema,
  optimizerIterations: z.number().int().min(0),
  bestValidationIoU: z.number().nullable(),
  bestStep: z.number().int().nullable(),
}) as unknown as z.ZodType<RunState>;

/**
 * Tensor name prefixes: `model/` holds the weights to predict with (the weight average when the
 * run keeps one, else the training weights), `train/` the training weights when they differ
 * from `model/`. Readers that only predict (previews) take `model/` and ignore the rest.
 */
const MODEL_PREFIX = 'model/';
const TRAIN_PREFIX = 'train/';

/**
 * Writes outDir/checkpoint atomically (see checkpointStore): the U-Net weights, the weight
 * average (if any), the optimiser slots and `state`. Returns the folder path.
 */
export async function writeRunCheckpoint(
  outDir: string,
  unet: UNet,
  average: WeightAverage | null,
  optimizer: tf.Optimizer,
  state: Omit<RunState, 'version' | 'optimizerIterations'>,
): Promise<string> {
  const { iterations, slots } = await readOptimizerState(optimizer);
  const tensors: CheckpointTensor[] = [];
  const add = (prefix: string, weights: NamedWeights): void => {
    for (const [name, w] of weights) {
      tensors.push({ name: `${prefix}${name}`, shape: w.shape, dtype: 'float32', data: w.data });
    }
  };
  // Asynchronous reads: the WebGPU backend has no synchronous read in Node.
  add(MODEL_PREFIX, await (average?.unet ?? unet).readWeights());
  if (average !== null) add(TRAIN_PREFIX, await unet.readWeights());
  tensors.push(...slots);
  const full: RunState = { version: 1, optimizerIterations: iterations, ...state };
  return saveCheckpoint(outDir, { step: state.step, state: full, tensors });
}

/** The checkpoint's state without touching a model (to check compatibility first), or null. */
export async function readRunCheckpoint(outDir: string): Promise<RunCheckpoint | null> {
  const data = await loadCheckpoint(outDir, runStateSchema);
  if (data === null) return null;
  if (data.state.version !== 1) {
    throw new AppError(
      'incompatible_model',
      `${outDir}/checkpoint was written by another version of U-Net Studio`,
    );
  }
  const weights: NamedWeights = new Map();
  const trainWeights: NamedWeights = new Map();
  const slots: CheckpointTensor[] = [];
  for (const t of data.tensors) {
    if (t.name.startsWith(MODEL_PREFIX)) {
      weights.set(t.name.slice(MODEL_PREFIX.length), { shape: t.shape, data: t.data as Float32Array });
    } else if (t.name.startsWith(TRAIN_PREFIX)) {
      trainWeights.set(t.name.slice(TRAIN_PREFIX.length), { shape: t.shape, data: t.data as Float32Array });
    } else {
      slots.push(t);
    }
  }
  return { state: data.state, weights, trainWeights: trainWeights.size > 0 ? trainWeights : null, slots };
}

/**
 * Loads a checkpoint into a freshly built model, weight average and optimiser after checking
 * that the settings of this run can continue it; AppError('incompatible_model') says what
 * changed. A checkpoint without a weight average starts the average at the training weights.
 */
export async function restoreRunCheckpoint(
  outDir: string,
  checkpoint: RunCheckpoint,
  settings: ResolvedSettings,
  unet: UNet,
  average: WeightAverage | null,
  optimizer: tf.Optimizer,
): Promise<void> {
  const why = incompatibility(checkpoint.state.settings, settings);
  if (why !== null) {
    throw new AppError(
      'incompatible_model',
      `Cannot resume ${outDir}: ${why}. Resume with the original settings or train into a new folder.`,
    );
  }
  unet.setWeights(checkpoint.trainWeights ?? checkpoint.weights);
  average?.unet.setWeights(checkpoint.weights);
  await writeOptimizerState(optimizer, checkpoint.state.optimizerIterations, checkpoint.slots);
}
