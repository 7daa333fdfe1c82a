import type { AppContext } from '../AppContext';

/** Cancels a prediction job or stops a training run (checkpointing); no-op for finished jobs. */
export async function cancelJob(ctx: AppContext, jobId: string): Promise<void> {
  if (ctx.runs.isLive(jobId)) {
    void ctx.runs.stop(ctx.session.current().dir, jobId).catch(() => {});
    return;
  }
  ctx.jobs.cancel(jobId);
}
