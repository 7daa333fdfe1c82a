import { AppError } from '../../shared/errors';
import type { Normalization } from '../model/types';

/**
 * bioimage.io pre- and postprocessing steps (model format 0.5, `inputs[].preprocessing` and
 * `outputs[].postprocessing`) that a 2D U-Net package uses, applied to one sample held as
 * float32 HWC. Axis ids are the spec's: 'channel', 'y', 'x' (and 'batch', a single sample).
 */
export type ProcessingStep =
  | { id: 'ensure_dtype'; kwargs: { dtype: string } }
  | {
      id: 'fixed_zero_mean_unit_variance';
      kwargs: { mean: number | number[]; std: number | number[]; axis?: string };
    }
  | { id: 'zero_mean_unit_variance'; kwargs?: { axes?: string[] | null; eps?: number } }
  | {
      id: 'scale_range';
      kwargs?: { axes?: string[] | null; min_percentile?: number; max_percentile?: number; eps?: number };
    }
  | { id: 'scale_linear'; kwargs: { gain?: number | number[]; offset?: number | number[]; axis?: string } }
  | { id: 'clip'; kwargs: { min?: number; max?: number } }
  | { id: 'sigmoid' }
  | { id: 'softmax'; kwargs?: { axis?: string } };

/**
 * How a model folder's normalisation metadata is written down. Today's models store a global
 * mean/std over the training pixels after dividing by the bit depth's full scale ('meanStd',
 * also when `kind` is absent); per-image percentile normalisation is
 * `{ kind: 'percentile', low, high, perChannel }` (percentiles in 0..100).
 */
export type NormalizationSpec =
  | (Normalization & { kind?: 'meanStd' })
  | { kind: 'percentile'; low: number; high: number; perChannel: boolean };

/**
 * The bioimage.io preprocessing that reproduces training's normalisation on raw pixel values
 * exactly. meanStd: x' = (x / scale - mean) / std = (x - mean * scale) / (std * scale), i.e.
 * `fixed_zero_mean_unit_variance` along the channel axis. percentile: `scale_range` over
 * x and y per channel (or over everything), eps as small as the spec allows a positive value.
 * An unknown kind is refused, naming it: a package must never normalise differently from
 * training.
 */
export function preprocessingFor(norm: NormalizationSpec, channels: number): ProcessingStep[] {
  const kind: string = norm.kind ?? 'meanStd';
  switch (norm.kind) {
    case undefined:
    case 'meanStd': {
      if (norm.mean.length !== channels || norm.std.length !== channels) {
        throw new AppError(
          'incompatible_model',
          `the model's normalisation has ${norm.mean.length} channel(s), the network takes ${channels}`,
        );
      }
      return [
        { id: 'ensure_dtype', kwargs: { dtype: 'float32' } },
        {
          id: 'fixed_zero_mean_unit_variance',
          kwargs: {
            mean: norm.mean.map((m) => m * norm.scale),
            std: norm.std.map((s) => s * norm.scale),
            axis: 'channel',
          },
        },
      ];
    }
    case 'percentile':
      return [
        { id: 'ensure_dtype', kwargs: { dtype: 'float32' } },
        {
          id: 'scale_range',
          kwargs: {
            axes: norm.perChannel ? ['y', 'x'] : ['channel', 'y', 'x'],
            min_percentile: norm.low,
            max_percentile: norm.high,
            eps: 1e-6,
          },
        },
      ];
    default:
      throw new AppError(
        'incompatible_model',
        `the model's normalisation kind '${kind}' has no bioimage.io preprocessing; the package is not written`,
      );
  }
}

/**
 * Applies steps in order to `data` (float32 HWC, `channels` channels) in place and returns it.
 * AppError 'incompatible_model' for a step or axis this reader does not implement.
 */
export function applyProcessing(
  steps: readonly ProcessingStep[],
  data: Float32Array,
  channels: number,
): Float32Array {
  for (const step of steps) {
    switch (step.id) {
      case 'ensure_dtype':
        break;
      case 'fixed_zero_mean_unit_variance': {
        const mean = perChannel(step.kwargs.mean, channels, step.id);
        const std = perChannel(step.kwargs.std, channels, step.id);
        for (let i = 0; i < data.length; i++) data[i] = (data[i] - mean[i % channels]) / std[i % channels];
        break;
      }
      case 'scale_linear': {
        const gain = perChannel(step.kwargs.gain ?? 1, channels, step.id);
        const offset = perChannel(step.kwargs.offset ?? 0, channels, step.id);
        for (let i = 0; i < data.length; i++) data[i] = data[i] * gain[i % channels] + offset[i % channels];
        break;
      }
      case 'zero_mean_unit_variance': {
        const eps = step.kwargs?.eps ?? 1e-6;
        for (const group of groups(step.kwargs?.axes, channels, step.id)) {
          const values = gather(data, group, channels);
          const mean = values.reduce((a, b) => a + b, 0) / values.length;
          const variance = values.reduce((a, b) => a + (b - mean) * (b - mean), 0) / values.length;
          const std = Math.sqrt(variance);
          forEach(data, group, channels, (i) => {
            data[i] = (data[i] - mean) / (std + eps);
          });
        }
        break;
      }
      case 'scale_range': {
        const eps = step.kwargs?.eps ?? 1e-6;
        for (const group of groups(step.kwargs?.axes, channels, step.id)) {
          const sorted = Float64Array.from(gather(data, group, channels)).sort();
          const low = percentile(sorted, step.kwargs?.min_percentile ?? 0);
          const high = percentile(sorted, step.kwargs?.max_percentile ?? 100);
          forEach(data, group, channels, (i) => {
            data[i] = (data[i] - low) / (high - low + eps);
          });
        }
        break;
      }
      case 'clip':
        for (let i = 0; i < data.length; i++) {
          data[i] = Math.min(step.kwargs.max ?? Infinity, Math.max(step.kwargs.min ?? -Infinity, data[i]));
        }
        break;
      case 'sigmoid':
        for (let i = 0; i < data.length; i++) data[i] = 1 / (1 + Math.exp(-data[i]));
        break;
      case 'softmax':
        for (let p = 0; p < data.length; p += channels) {
          let max = -Infinity;
          for (let c = 0; c < channels; c++) max = Math.max(max, data[p + c]);
          let sum = 0;
          for (let c = 0; c < channels; c++) sum += Math.exp(data[p + c] - max);
          for (let c = 0; c < channels; c++) data[p + c] = Math.exp(data[p + c] - max) / sum;
        }
        break;
      default:
        throw new AppError(
          'incompatible_model',
          `bioimage.io step '${(step as { id: string }).id}' is not supported`,
        );
    }
  }
  return data;
}

/**
 * numpy.percentile's default ('linear'): the value at rank p/100 * (n - 1) of the sorted
 * values, interpolated between the neighbours.
 */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = (Math.min(100, Math.max(0, p)) / 100) * (sorted.length - 1);
  const below = Math.floor(rank);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (rank - below);
}

function perChannel(value: number | number[], channels: number, id: string): number[] {
  if (typeof value === 'number') return Array.from({ length: channels }, () => value);
  if (value.length !== channels) {
    throw new AppError('incompatible_model', `${id}: ${value.length} values for ${channels} channels`);
  }
  return value;
}

/**
 * The channel groups reduced together: axes without 'channel' reduce x and y per channel;
 * with 'channel' (or absent: all axes) one group of every channel.
 */
function groups(axes: readonly string[] | null | undefined, channels: number, id: string): number[][] {
  const all = Array.from({ length: channels }, (_, c) => c);
  if (axes === null || axes === undefined) return [all];
  const unknown = axes.filter((a) => !['batch', 'channel', 'x', 'y'].includes(a));
  if (unknown.length > 0 || !axes.includes('x') || !axes.includes('y')) {
    throw new AppError(
      'incompatible_model',
      `${id}: axes [${axes.join(', ')}] are not supported (a 2D image reduces over x and y)`,
    );
  }
  return axes.includes('channel') ? [all] : all.map((c) => [c]);
}

function gather(data: Float32Array, group: number[], channels: number): number[] {
  const out: number[] = [];
  forEach(data, group, channels, (i) => {
    out.push(data[i]);
  });
  return out;
}

function forEach(data: Float32Array, group: number[], channels: number, visit: (i: number) => void): void {
  for (let p = 0; p < data.length; p += channels) for (const c of group) visit(p + c);
}
