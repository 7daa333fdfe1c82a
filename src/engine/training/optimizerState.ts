import * as tf from '@tensorflow/tfjs';
import type { OptimizerConfig } from '../model/presets';
import type { CheckpointTensor } from './checkpointStore';
import { ScheduledAdam } from './lrSchedule';

/**
 * A TF.js optimiser for the config: SGD with momentum (paper: 0.99) or Adam, both with a rate
 * that `setLearningRate` (lrSchedule) can change between steps. Dispose it.
 */
export function createOptimizer(config: OptimizerConfig): tf.Optimizer {
  return config.kind === 'adam'
    ? new ScheduledAdam(config.learningRate, config.beta1, config.beta2)
    : tf.train.momentum(config.learningRate, config.momentum);
}

/**
 * The optimiser's state as plain data: its iteration count and its slots (momentum, or Adam's
 * first then second moments) in the order of the variables they belong to. TF.js matches slots
 * to variables by position, so a restored optimiser must see the variables in the same order.
 */
export async function readOptimizerState(
  optimizer: tf.Optimizer,
): Promise<{ iterations: number; slots: CheckpointTensor[] }> {
  const weights = await optimizer.getWeights();
  const [iteration, ...slots] = weights;
  const iterations = (await iteration.tensor.data())[0];
  // getWeights() makes a new tensor for the counter only; the slots are the live variables.
  iteration.tensor.dispose();
  const out: CheckpointTensor[] = [];
  for (const [index, slot] of slots.entries()) {
    out.push({
      name: `optimizer/${index}`,
      shape: [...slot.tensor.shape],
      dtype: 'float32',
      data: (await slot.tensor.data()) as Float32Array,
    });
  }
  return { iterations, slots: out };
}

/** Restores what readOptimizerState returned into a fresh optimiser of the same kind. */
export async function writeOptimizerState(
  optimizer: tf.Optimizer,
  iterations: number,
  slots: CheckpointTensor[],
): Promise<void> {
  const named = [
    { name: 'iter', tensor: tf.scalar(iterations, 'int32') },
    ...slots.map((slot) => ({ name: slot.name, tensor: tf.tensor(slot.data, slot.shape, 'float32') })),
  ];
  try {
    await optimizer.setWeights(named);
  } finally {
    // setWeights made variables sharing these buffers; dropping our handles keeps them alive.
    for (const { tensor } of named) tensor.dispose();
  }
}
