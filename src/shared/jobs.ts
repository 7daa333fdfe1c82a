/**
 * Events of a long job (training, batch prediction). A closed union: every consumer switches
 * exhaustively. Progress comes at most every ~100-200 ms; checkpoints and validations always.
 */
export type JobEvent =
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
    }
  | { kind: 'checkpoint'; jobId: string; step: number; path: string; at: string }
  | { kind: 'validation'; jobId: string; step: number; metrics: Record<string, number> }
  | { kind: 'done'; jobId: string; at: string; result?: Record<string, unknown> }
  | { kind: 'failed'; jobId: string; at: string; error: { code: string; message: string; detail?: string } }
  | { kind: 'cancelled'; jobId: string; at: string; step?: number };

export type JobEventKind = JobEvent['kind'];
