import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { type OptimizerConfig, PRESETS, type TrainingPreset } from '../model/presets';
import type { UNetConfig } from '../model/types';

/**
 * Where the labels of one training image come from:
 * - `mask`: a label image. 8-bit/binary: nonzero = foreground, objects are its connected
 *   components; 16-bit with more than one nonzero value: each id is one object. Every pixel
 *   is labelled.
 * - `annotation`: a project annotation: a class map PNG (0 = unlabelled, 1 = background,
 *   2.. = foreground classes) and optionally a 16-bit instance-id PNG (0 = no object).
 * - `labelTiles`: the sparse label tiles of an image too large to load
 *   (`<dir>/annotations/<imageId>/<tx>_<ty>.*.png`, as a project stores them); only the
 *   annotated tiles are read, with their image context read region by region.
 */
export const AnnotationSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('mask'), path: z.string().min(1) }),
  z.object({
    kind: z.literal('annotation'),
    classesPath: z.string().min(1),
    instancesPath: z.string().min(1).optional(),
  }),
  z.object({ kind: z.literal('labelTiles'), dir: z.string().min(1), imageId: z.string().min(1) }),
]);
export type AnnotationSource = z.infer<typeof AnnotationSourceSchema>;

export const TrainImageSchema = z.object({ image: z.string().min(1), annotation: AnnotationSourceSchema });
export type TrainImage = z.infer<typeof TrainImageSchema>;

/**
 * On-the-fly augmentation (as in the U-Net paper, section 3.1): elastic deformation (3x3 grid,
 * paper std 10 px), flips and 90-degree turns, small rotations, gray-value changes. `enabled: false` turns all off.
 */
export const AugmentationSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Elastic grid displacement std (px); 0 = off. */
    elasticSigma: z.number().min(0).max(50).default(10),
    /** Random flips and 90-degree turns. */
    flips: z.boolean().default(true),
    /** Random rotation within +-degrees; 0 = off. */
    rotationDegrees: z.number().min(0).max(180).default(0),
    /** Gray-value gain and offset jitter (+-10% gain, +-0.1 std offset). */
    intensity: z.boolean().default(true),
    /** Probability of inverting a tile's contrast (dark objects <-> bright objects); 0 = off. */
    invert: z.number().min(0).max(1).default(0),
  })
  .strict();

/** A training run. Unset fields fall back to the preset (architecture, tile, optimiser). */
export const TrainConfigSchema = z
  .object({
    images: z.array(TrainImageSchema).min(1, 'at least one training image is needed'),
    outDir: z.string().min(1),
    preset: z.enum(['fast', 'paper']).default('fast'),
    architecture: z
      .object({
        depth: z.number().int().min(1).max(8),
        baseFilters: z.number().int().min(1).max(1024),
        dropout: z.number().min(0).lt(1),
        classes: z.number().int().min(2).max(255),
      })
      .partial()
      .strict()
      .default({}),
    tileSize: z.number().int().positive().optional(),
    batch: z.number().int().min(1).max(64).optional(),
    steps: z.number().int().positive().optional(),
    minutes: z.number().positive().optional(),
    optimizer: z.enum(['sgd', 'adam']).optional(),
    learningRate: z.number().positive().optional(),
    /** Learning-rate schedule over the budget (preset: fast cosine, paper constant). */
    schedule: z.enum(['constant', 'cosine']).optional(),
    /** Share of the budget spent warming the rate up (cosine). */
    warmup: z.number().min(0).max(0.5).optional(),
    /** Weight-average decay for validation and saved models; 0 = off (preset: fast 0.995). */
    ema: z.number().min(0).lt(1).optional(),
    /** Input normalisation of a new run (a resumed run keeps its own). */
    normalization: z.enum(['percentile', 'meanStd']).optional(),
    /** SGD momentum (paper: 0.99). */
    momentum: z.number().min(0).lt(1).default(0.99),
    valFraction: z.number().min(0).max(0.9).default(0.2),
    seed: z.number().int().min(0).default(1),
    /** Border weight amplitude of eq. 2 (preset: paper 10, fast see presets.ts). */
    w0: z.number().min(0).optional(),
    sigma: z.number().positive().default(5),
    /** Class-frequency weights w_c of eq. 2 (preset). */
    classBalance: z.union([z.boolean(), z.literal('auto')]).optional(),
    /**
     * Learn each object's border as a third network class (weightmap/objectBorders), so that
     * prediction splits touching objects along it; needs one foreground class. 'auto' (fast
     * preset): when labelled objects touch (training/touchingObjects); a run resolves it once.
     */
    objectBorders: z.union([z.boolean(), z.literal('auto')]).optional(),
    augmentation: AugmentationSchema.default({
      enabled: true,
      elasticSigma: 10,
      flips: true,
      rotationDegrees: 0,
      intensity: true,
      invert: 0,
    }),
    checkpointMinutes: z.number().positive().default(5),
    /** Extra checkpoint every N steps (tests, reproducible runs). */
    checkpointEverySteps: z.number().int().positive().optional(),
    validateEverySteps: z.number().int().positive().default(100),
    resume: z.boolean().default(false),
    /**
     * The source channels the images' channels are (the images hold only those, in this order),
     * when training chose some; recorded in the model metadata so prediction selects the same.
     */
    inputChannels: z
      .array(z.object({ index: z.number().int().min(0), name: z.string().optional() }).strict())
      .min(1)
      .optional(),
    backend: z.enum(['auto', 'tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu']).default('auto'),
    threads: z.number().int().positive().optional(),
  })
  .strict()
  .refine((c) => c.steps !== undefined || c.minutes !== undefined, {
    message: 'give a number of steps or a time budget in minutes',
    path: ['steps'],
  })
  .transform((c) => ({
    ...c,
    w0: c.w0 ?? PRESETS[c.preset].w0,
    classBalance: c.classBalance ?? PRESETS[c.preset].classBalance,
    objectBorders: c.objectBorders ?? PRESETS[c.preset].objectBorders,
  }));

/** A validated config with defaults filled in. */
export type TrainConfig = z.infer<typeof TrainConfigSchema>;
/** What callers pass (defaults may be left out). */
export type TrainConfigInput = z.input<typeof TrainConfigSchema>;

/** Validates a config; AppError('invalid_argument') lists every problem with its field. */
export function parseTrainConfig(input: unknown): TrainConfig {
  const result = TrainConfigSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`);
    throw new AppError('invalid_argument', `Invalid training configuration: ${problems.join('; ')}`);
  }
  return result.data;
}

/** The settings a run actually uses: preset defaults overridden by the config. */
export interface ResolvedSettings {
  architecture: UNetConfig;
  tileSize: number;
  batch: number;
  optimizer: OptimizerConfig;
  schedule: { kind: 'constant' | 'cosine'; warmup: number };
  /** 0 = no weight average. */
  emaDecay: number;
  normalization: 'percentile' | 'meanStd';
  /** The network learns object outlines as a third class (absent in older checkpoints: off). */
  objectBorders?: boolean;
}

/** Fills architecture, tile, batch and optimiser from the preset; inputChannels from the data. */
export function resolveSettings(config: TrainConfig, inputChannels: number): ResolvedSettings {
  const preset: TrainingPreset = PRESETS[config.preset];
  // Keys given as undefined (e.g. CLI options left out) must not erase the preset's values.
  const overrides = Object.fromEntries(
    Object.entries(config.architecture).filter(([, v]) => v !== undefined),
  );
  const architecture: UNetConfig = { ...preset.architecture, ...overrides, inputChannels };
  const kind = config.optimizer ?? preset.optimizer.kind;
  const presetRate = preset.optimizer.kind === kind ? preset.optimizer.learningRate : undefined;
  const learningRate = config.learningRate ?? presetRate ?? (kind === 'adam' ? 1e-3 : 0.01);
  const optimizer: OptimizerConfig =
    kind === 'adam'
      ? { kind: 'adam', learningRate, beta1: 0.9, beta2: 0.999 }
      : { kind: 'sgd', learningRate, momentum: config.momentum };
  return {
    architecture,
    tileSize: config.tileSize ?? preset.tileSize,
    batch: config.batch ?? preset.batchSize,
    optimizer,
    schedule: { kind: config.schedule ?? preset.schedule, warmup: config.warmup ?? preset.warmup },
    emaDecay: config.ema ?? preset.emaDecay,
    normalization: config.normalization ?? preset.normalization,
    // 'auto' is resolved by prepareRun before the settings it keeps are made.
    objectBorders: config.objectBorders === true,
  };
}

/**
 * Why a checkpoint written with `saved` settings cannot continue with `now` (null if it can):
 * architecture, tile and optimiser kind must match; learning rate, steps, minutes may change.
 */
export function incompatibility(saved: ResolvedSettings, now: ResolvedSettings): string | null {
  if ((saved.objectBorders ?? false) !== (now.objectBorders ?? false)) {
    return saved.objectBorders === true
      ? 'the run learned object borders; resume it with object borders on'
      : 'the run did not learn object borders; resume it without them';
  }
  const a = saved.architecture;
  const b = now.architecture;
  for (const key of ['depth', 'baseFilters', 'inputChannels', 'classes'] as const) {
    if (a[key] !== b[key]) return `architecture ${key} was ${a[key]}, now ${b[key]}`;
  }
  if (saved.tileSize !== now.tileSize) return `tile size was ${saved.tileSize}, now ${now.tileSize}`;
  if (saved.batch !== now.batch) return `batch was ${saved.batch}, now ${now.batch}`;
  if (saved.optimizer.kind !== now.optimizer.kind) {
    return `optimizer was ${saved.optimizer.kind}, now ${now.optimizer.kind}`;
  }
  return null;
}
