import { z } from 'zod';
import { ERROR_CODES, type ErrorInfo } from './errors';

/**
 * Events of a long job (training, batch prediction). A closed union: every consumer switches
 * exhaustively. Progress comes at most every ~100-200 ms; checkpoints and validations always.
 * `Result` is what the job's `done` event carries (TrainingResult, PredictionResult).
 */
export type JobEvent<Result = JobResult> =
  | { kind: 'started'; jobId: string; at: string; backend?: string; detail?: string }
  | {
      kind: 'progress';
      jobId: string;
      step: number;
      totalSteps?: number;
      fraction?: number;
      loss?: number;
      learningRate?: number;
      tilesPerSecond?: number;
      etaSeconds?: number;
      elapsedSeconds?: number;
      memoryBytes?: number;
      message?: string;
      /** Set once, when a session continues a run: the checkpoint step it resumed from. */
      resumedFrom?: number;
    }
  | { kind: 'checkpoint'; jobId: string; step: number; path: string; at: string }
  | { kind: 'validation'; jobId: string; step: number; metrics: Record<string, number> }
  | {
      /** The training process wrote a new preview of an image (see engine/training/previewFile). */
      kind: 'preview';
      jobId: string;
      step: number;
      imageId: string;
      at: string;
    }
  | { kind: 'done'; jobId: string; at: string; result?: Result }
  | { kind: 'failed'; jobId: string; at: string; error: ErrorInfo }
  | { kind: 'cancelled'; jobId: string; at: string; step?: number };

export type JobEventKind = JobEvent['kind'];

/** What a finished or stopped training run produced (the `result` of its `done` event). */
export interface TrainingResult {
  status: 'done' | 'cancelled';
  /** outDir/model: the final model (the weight average, if the run keeps one, at the last step). */
  modelPath: string;
  /** outDir/best: the best model by validation IoU, if validation ran. */
  bestModelPath: string | null;
  bestValidationIoU: number | null;
  /** Step at which best/ was validated (absent in the logs of runs older than the field). */
  bestStep?: number | null;
  /** Validation IoU of the final model (null when the run has no validation images or stopped early). */
  finalValidationIoU?: number | null;
  /**
   * The model to predict with: best/ when it beats the final model on validation, else model/
   * (they are then the same weights or model/ is at least as good).
   */
  recommendedModelPath?: string;
  steps: number;
  elapsedSeconds: number;
  lastLoss: number | null;
}

/** What a prediction job produced (project images, or a folder of files). */
export interface PredictionResult {
  modelId: string;
  /** Images predicted. */
  predicted: number;
  /** The inference backend that ran. */
  backend: string;
  /** Project images predicted (stored as the project's predictions). */
  imageIds?: string[];
  /** A predicted folder, and where its masks went. */
  folder?: string;
  outDir?: string;
  /** Test-time augmentation ran (8 passes per image). */
  tta?: boolean;
}

export type JobResult = TrainingResult | PredictionResult;

/** The events of a training run, and of a prediction job. */
export type TrainingEvent = JobEvent<TrainingResult>;
export type PredictionEvent = JobEvent<PredictionResult>;

/** The kinds of job the app runs: a training run (jobId = runId) or a prediction job. */
export type JobKind = 'training' | 'prediction';

/** A job event as the API sends it: which kind of job it belongs to, and that job's result. */
export type JobUpdate =
  | ({ jobKind: 'training' } & TrainingEvent)
  | ({ jobKind: 'prediction' } & PredictionEvent);

const errorInfoSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  detail: z.string().optional(),
});

export const trainingResultSchema = z.looseObject({
  status: z.enum(['done', 'cancelled']),
  modelPath: z.string(),
  bestModelPath: z.string().nullable(),
  bestValidationIoU: z.number().nullable(),
  bestStep: z.number().nullable().optional(),
  finalValidationIoU: z.number().nullable().optional(),
  recommendedModelPath: z.string().optional(),
  steps: z.number(),
  elapsedSeconds: z.number(),
  lastLoss: z.number().nullable(),
});

/**
 * Schema of a job event as written to and read back from disk (a run's run.jsonl, messages of
 * the child processes): loose, so that lines with fields added later still read.
 */
export function jobEventSchema<R extends z.ZodType>(result: R) {
  return z.discriminatedUnion('kind', [
    z.looseObject({
      kind: z.literal('started'),
      jobId: z.string(),
      at: z.string(),
      backend: z.string().optional(),
      detail: z.string().optional(),
    }),
    z.looseObject({
      kind: z.literal('progress'),
      jobId: z.string(),
      step: z.number(),
      totalSteps: z.number().optional(),
      fraction: z.number().optional(),
      loss: z.number().optional(),
      learningRate: z.number().optional(),
      tilesPerSecond: z.number().optional(),
      etaSeconds: z.number().optional(),
      elapsedSeconds: z.number().optional(),
      memoryBytes: z.number().optional(),
      message: z.string().optional(),
      resumedFrom: z.number().optional(),
    }),
    z.looseObject({
      kind: z.literal('checkpoint'),
      jobId: z.string(),
      step: z.number(),
      path: z.string(),
      at: z.string(),
    }),
    z.looseObject({
      kind: z.literal('validation'),
      jobId: z.string(),
      step: z.number(),
      metrics: z.record(z.string(), z.number()),
    }),
    z.looseObject({
      kind: z.literal('preview'),
      jobId: z.string(),
      step: z.number(),
      imageId: z.string(),
      at: z.string(),
    }),
    z.looseObject({ kind: z.literal('done'), jobId: z.string(), at: z.string(), result: result.optional() }),
    z.looseObject({ kind: z.literal('failed'), jobId: z.string(), at: z.string(), error: errorInfoSchema }),
    z.looseObject({
      kind: z.literal('cancelled'),
      jobId: z.string(),
      at: z.string(),
      step: z.number().optional(),
    }),
  ]);
}

/** A training run's events, checked against the TypeScript type by the compiler. */
export const trainingEventSchema: z.ZodType<TrainingEvent> = jobEventSchema(trainingResultSchema);
