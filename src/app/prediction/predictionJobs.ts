import { AppError, toErrorInfo } from '../../shared/errors';
import type { JobUpdate, PredictionEvent, PredictionResult } from '../../shared/jobs';

/** Sends job events to the UI (the service's `jobEvent`). */
export type JobEmitter = (update: JobUpdate) => void;

/** Emits the events of one prediction job. */
export type PredictionEmitter = (event: PredictionEvent) => void;

/** The work of a prediction job: runs until done, cancelled through `signal`, or failed. */
export type PredictionWork = (signal: AbortSignal, emit: PredictionEmitter) => Promise<PredictionResult>;

/**
 * Running prediction jobs by id; cancelling aborts one. Their events go to the UI as jobEvent
 * with jobKind 'prediction'; the terminal one (done, cancelled or failed) always comes last.
 */
export class PredictionJobs {
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>();

  constructor(private readonly send: JobEmitter) {}

  /** Starts `work` in the background under `jobId`. */
  start(jobId: string, work: PredictionWork): void {
    const emit: PredictionEmitter = (event) => this.send({ ...event, jobKind: 'prediction' });
    const controller = new AbortController();
    const at = () => new Date().toISOString();
    const done = (async () => {
      try {
        const result = await work(controller.signal, emit);
        emit({ kind: 'done', jobId, at: at(), result });
      } catch (error) {
        if (controller.signal.aborted || (error instanceof AppError && error.code === 'cancelled')) {
          emit({ kind: 'cancelled', jobId, at: at() });
        } else {
          const info = toErrorInfo(error);
          if (info.code === 'internal')
            process.stderr.write(`[predict] ${jobId} failed with a bug: ${info.detail ?? info.message}\n`);
          emit({ kind: 'failed', jobId, at: at(), error: info });
        }
      } finally {
        this.running.delete(jobId);
      }
    })();
    this.running.set(jobId, { controller, done });
  }

  /** Number of jobs running now. */
  get size(): number {
    return this.running.size;
  }

  /** Cancels a job; false when no such job runs. */
  cancel(jobId: string): boolean {
    const job = this.running.get(jobId);
    if (job === undefined) return false;
    job.controller.abort();
    return true;
  }

  /** Cancels every job and waits for them to end. */
  async dispose(): Promise<void> {
    const jobs = [...this.running.values()];
    for (const job of jobs) job.controller.abort();
    await Promise.all(jobs.map((job) => job.done));
  }
}
