import { AppError } from '../../shared/errors';
import type { PredictionEvent } from '../../shared/jobs';
import { runWorkTask, type WorkKind, type WorkResult, type WorkTask } from './workTasks';

/** Where the app's heavy work runs: the work process, or (tests, tools) this process. */
export interface WorkRunner {
  run<K extends WorkKind>(
    work: Extract<WorkTask, { kind: K }>,
    opts?: { signal?: AbortSignal; onEvent?: (event: PredictionEvent) => void },
  ): Promise<WorkResult<K>>;
  /** Gets ready ahead of the first work. */
  warm(): void;
  /** Ends the work in flight. */
  dispose(): Promise<void>;
}

/**
 * Runs the work on this process's event loop, with the same tasks, events and errors as the
 * work process: for tests of the use cases and for tools that have no UI to keep responsive.
 */
export class InProcessWork implements WorkRunner {
  private readonly running = new Set<AbortController>();

  async run<K extends WorkKind>(
    work: Extract<WorkTask, { kind: K }>,
    opts: { signal?: AbortSignal; onEvent?: (event: PredictionEvent) => void } = {},
  ): Promise<WorkResult<K>> {
    if (opts.signal?.aborted) throw new AppError('cancelled', `${work.kind} cancelled`);
    const controller = new AbortController();
    const cancel = () => controller.abort();
    opts.signal?.addEventListener('abort', cancel, { once: true });
    this.running.add(controller);
    try {
      return (await runWorkTask(work, controller.signal, (event) => opts.onEvent?.(event))) as WorkResult<K>;
    } finally {
      this.running.delete(controller);
      opts.signal?.removeEventListener('abort', cancel);
    }
  }

  warm(): void {}

  async dispose(): Promise<void> {
    for (const controller of this.running) controller.abort();
  }
}
