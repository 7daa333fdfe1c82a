import type * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import type { NamedWeights, UNet } from '../model/index';
import type { Normalization } from '../model/types';
import { type CheckpointTensor, loadCheckpoint, saveCheckpoint } from './checkpointStore';
import { readOptimizerState, writeOptimizerState } from './optimizerState';
import { incompatibility, type ResolvedSettings, type TrainConfig } from './trainConfig';

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
  /** The run's config when the checkpoint was written (provenance; resume may change budgets). */
  config: TrainConfig;
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
  normalization: z.object({ scale: z.number(), mean: z.array(z.number()), std: z.array(z.number()) }),
  optimizerIterations: z.number().int().min(0),
  bestValidationIoU: z.number().nullable(),
  bestStep: z.number().int().nullable(),
}) as unknown as z.ZodType<RunState>;

const MODEL_PREFIX = 'model/';

/**
 * Writes outDir/checkpoint atomically (see checkpointStore): the U-Net weights, the optimiser
 * slots and `state`. Returns the folder path.
 */
export async function writeRunCheckpoint(
  outDir: string,
  unet: UNet,
  optimizer: tf.Optimizer,
  state: Omit<RunState, 'version' | 'optimizerIterations'>,
): Promise<string> {
  const { iterations, slots } = await readOptimizerState(optimizer);
  const tensors: CheckpointTensor[] = [];
  for (const [name, w] of unet.getWeights()) {
    tensors.push({ name: `${MODEL_PREFIX}${name}`, shape: w.shape, dtype: 'float32', data: w.data });
  }
  tensors.push(...slots);
  const full: RunState = { version: 1, optimizerIterations: iterations, ...state };
  return saveCheckpoint(outDir, { step: state.step, state: full, tensors });
}

/** The checkpoint's state without touching a model (to check compatibility first), or null. */
export async function readRunCheckpoint(
  outDir: string,
): Promise<{ state: RunState; weights: NamedWeights; slots: CheckpointTensor[] } | null> {
  const data = await loadCheckpoint(outDir, runStateSchema);
  if (data === null) return null;
  if (data.state.version !== 1) {
    throw new AppError(
      'incompatible_model',
      `${outDir}/checkpoint was written by another version of U-Net Studio`,
    );
  }
  const weights: NamedWeights = new Map();
  const slots: CheckpointTensor[] = [];
  for (const t of data.tensors) {
    if (t.name.startsWith(MODEL_PREFIX)) {
      weights.set(t.name.slice(MODEL_PREFIX.length), { shape: t.shape, data: t.data as Float32Array });
    } else {
      slots.push(t);
    }
  }
  return { state: data.state, weights, slots };
}

/**
 * Loads a checkpoint into a freshly built model and optimiser after checking that the settings
 * of this run can continue it; AppError('incompatible_model') says what changed.
 */
export async function restoreRunCheckpoint(
  outDir: string,
  checkpoint: { state: RunState; weights: NamedWeights; slots: CheckpointTensor[] },
  settings: ResolvedSettings,
  unet: UNet,
  optimizer: tf.Optimizer,
): Promise<void> {
  const why = incompatibility(checkpoint.state.settings, settings);
  if (why !== null) {
    throw new AppError(
      'incompatible_model',
      `Cannot resume ${outDir}: ${why}. Resume with the original settings or train into a new folder.`,
    );
  }
  unet.setWeights(checkpoint.weights);
  await writeOptimizerState(optimizer, checkpoint.state.optimizerIterations, checkpoint.slots);
}
