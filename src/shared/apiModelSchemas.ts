import { z } from 'zod';
import { imageIdSchema } from './schemas';

/**
 * Argument schemas of the training / prediction / compare / export methods (merged into
 * API_ARGS). Ids are path-safe tokens, never paths.
 */

/** `run_` + base-36 time + random suffix. */
export const runIdSchema = z.string().regex(/^run_[0-9a-z]{4,40}$/, 'not a run id');
/** A run's model (`<runId>.best` or `<runId>.last`) or an imported package (`pkg_<id>.package`). */
export const modelIdSchema = z
  .string()
  .regex(/^(run_[0-9a-z]{4,40}\.(best|last)|pkg_[0-9a-z]{4,40}\.package)$/, 'not a model id');
/** A job: a training run id or `job_...` (prediction). */
export const jobIdSchema = z.string().regex(/^(run|job)_[0-9a-z]{4,40}$/, 'not a job id');

const path = z.string().min(1).max(4096);
const imageIds = z.array(imageIdSchema).max(100_000);

export const trainingAdvancedSchema = z
  .object({
    tileSize: z.number().int().min(16).max(4096),
    baseFilters: z.number().int().min(1).max(256),
    depth: z.number().int().min(1).max(6),
    optimizer: z.enum(['sgd', 'adam']),
    learningRate: z.number().positive().max(10),
    w0: z.number().min(0).max(100),
    sigma: z.number().positive().max(100),
    augmentation: z.boolean(),
    objectBorders: z.boolean(),
    steps: z.number().int().min(1).max(10_000_000),
    minutes: z
      .number()
      .positive()
      .max(7 * 24 * 60),
    checkpointMinutes: z
      .number()
      .positive()
      .max(24 * 60),
    checkpointEverySteps: z.number().int().min(1),
    validateEverySteps: z.number().int().min(1),
    seed: z.number().int().min(0),
  })
  .partial()
  .strict();

export const trainingRequestSchema = z
  .object({
    imageIds: z.array(imageIdSchema).min(1, 'choose at least one image').max(100_000),
    valFraction: z.number().min(0).max(0.9),
    preset: z.enum(['fast', 'paper']),
    advanced: trainingAdvancedSchema,
    initFromModel: modelIdSchema.optional(),
    channels: z
      .array(z.number().int().min(0).max(63))
      .min(1, 'choose at least one channel')
      .refine((c) => new Set(c).size === c.length, 'each channel once')
      .optional(),
  })
  .strict();

export const predictTargetSchema = z.union([
  z.object({ imageIds: imageIds.min(1), tta: z.boolean().optional() }).strict(),
  z.object({ folder: path, outDir: path.optional(), tta: z.boolean().optional() }).strict(),
]);

export const acceptOptionsSchema = z
  .object({
    objects: z.array(z.number().int().min(1).max(65535)).max(65535).optional(),
    save: z.boolean().optional(),
  })
  .strict();

export const exportRequestSchema = z
  .object({
    source: z.enum(['prediction', 'annotation']).optional(),
    modelId: modelIdSchema.optional(),
    imageIds: imageIds.min(1),
    folder: path,
    format: z.enum(['png', 'tif']),
    kind: z.enum(['classes', 'binary', 'instances']),
    minObjectArea: z.number().int().min(0).max(1_000_000).optional(),
    naming: z.enum(['name', 'id']).optional(),
  })
  .strict()
  .refine((r) => r.source === 'annotation' || r.modelId !== undefined, {
    message: 'choose a model to export its predictions',
    path: ['modelId'],
  });

/** Argument tuples of the model methods (checked against ApiArgs in apiSchemas.ts). */
export const MODEL_API_ARGS = {
  listTrainableImages: z.tuple([]),
  startTraining: z.tuple([trainingRequestSchema]),
  stopTraining: z.tuple([runIdSchema]),
  resumeTraining: z.tuple([runIdSchema]),
  listRuns: z.tuple([]),
  getRunLog: z.tuple([runIdSchema, z.number().int().min(-1)]),
  getPreview: z.tuple([runIdSchema, imageIdSchema]),
  listModels: z.tuple([]),
  predictImages: z.tuple([modelIdSchema, predictTargetSchema]),
  cancelJob: z.tuple([jobIdSchema]),
  getPrediction: z.tuple([modelIdSchema, imageIdSchema]),
  compareModels: z.tuple([z.array(modelIdSchema).min(1).max(2), imageIds.nullable()]),
  acceptPrediction: z.tuple([imageIdSchema, modelIdSchema, acceptOptionsSchema]),
  exportMasks: z.tuple([exportRequestSchema]),
};
