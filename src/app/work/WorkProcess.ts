import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AppError } from '../../shared/errors';
import type { PredictionEvent } from '../../shared/jobs';
import type { WorkRunner } from './InProcessWork';
import type { WorkReply, WorkRequest } from './workMessages';
import type { WorkKind, WorkResult, WorkTask } from './workTasks';

/** Starts the work process; injectable so tests can run another module or crash it. */
export type WorkProcessFactory = () => ChildProcess;

/**
 * The default work process. In the built app (electron-vite bundles main with a `workChild`
 * entry) a compiled `workChild.js` sits beside this code and runs as is (under Electron, `fork`
 * runs it as plain Node); from the sources, workChild.ts runs under tsx. Messages use the
 * structured clone ('advanced' serialisation), so typed arrays cross as typed arrays.
 */
export function defaultWorkProcessFactory(): ChildProcess {
  const built = fileURLToPath(new URL('./workChild.js', import.meta.url));
  const options = {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'] as ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced' as const,
  };
  if (existsSync(built)) return fork(built, [], options);
  const source = fileURLToPath(new URL('./workChild.ts', import.meta.url));
  return fork(source, [], { ...options, execArgv: ['--import', 'tsx'] });
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
  onEvent?: (event: PredictionEvent) => void;
}

/**
 * The app's work process: prediction, scoring and export run there, off the main side's event
 * loop (a 20-image batch prediction leaves the main process free to answer the UI). Started on
 * first use (or `warm`) and kept for the next; if it dies, the work in flight fails with 'internal' and the
 * next call starts a new one.
 */
export class WorkProcess implements WorkRunner {
  private child: ChildProcess | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly factory: WorkProcessFactory = defaultWorkProcessFactory) {}

  /**
   * Runs one piece of work there; `onEvent` gets its events, `signal` cancels it (the work ends
   * with AppError('cancelled')). Rejects with the work's AppError.
   */
  run<K extends WorkKind>(
    work: Extract<WorkTask, { kind: K }>,
    opts: { signal?: AbortSignal; onEvent?: (event: PredictionEvent) => void } = {},
  ): Promise<WorkResult<K>> {
    const child = this.started();
    const id = this.nextId++;
    return new Promise<WorkResult<K>>((resolve, reject) => {
      const cancel = () => this.send(child, { type: 'cancel', id });
      if (opts.signal?.aborted) {
        reject(new AppError('cancelled', `${work.kind} cancelled`));
        return;
      }
      opts.signal?.addEventListener('abort', cancel, { once: true });
      const settle = () => opts.signal?.removeEventListener('abort', cancel);
      this.pending.set(id, {
        resolve: (value) => {
          settle();
          resolve(value as WorkResult<K>);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
        onEvent: opts.onEvent,
      });
      this.send(child, { type: 'run', id, work });
    });
  }

  /**
   * Starts the process ahead of its first work (it loads the engine, which takes a few seconds),
   * so that the first prediction or comparison does not wait for that.
   */
  warm(): void {
    this.started();
  }

  /** Ends the work process (the work in flight fails) and waits for it to exit. */
  async dispose(): Promise<void> {
    const child = this.child;
    if (child === null) return;
    this.child = null;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  }

  private started(): ChildProcess {
    if (this.child !== null) return this.child;
    const child = this.factory();
    child.on('message', (raw: unknown) => this.receive(raw as WorkReply));
    const lost = (why: string) => {
      if (this.child === child) this.child = null;
      const failures = [...this.pending.values()];
      this.pending.clear();
      for (const p of failures)
        p.reject(new AppError('internal', `The work process ${why} before the work was done.`));
    };
    child.on('exit', (code, signal) =>
      lost(signal !== null ? `was killed (${signal})` : `exited with code ${code}`),
    );
    child.on('error', (error) => {
      // A failed spawn emits 'error' without 'exit'.
      if (child.pid === undefined) lost(`could not start (${error.message})`);
    });
    this.child = child;
    return child;
  }

  private receive(message: WorkReply): void {
    const pending = this.pending.get(message.id);
    if (pending === undefined) return;
    if (message.type === 'event') {
      pending.onEvent?.(message.event);
      return;
    }
    this.pending.delete(message.id);
    if (message.type === 'result') pending.resolve(message.value);
    else pending.reject(new AppError(message.error.code, message.error.message, message.error.detail));
  }

  private send(child: ChildProcess, message: WorkRequest): void {
    if (child.connected) child.send(message);
  }
}
