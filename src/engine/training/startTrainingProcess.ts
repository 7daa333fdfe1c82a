import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type TrainingEvent, trainingEventSchema } from '../../shared/jobs';
import type { TrainConfigInput } from './trainConfig';
import type { PreviewRequest } from './trainingPreviews';

/** Parent -> child messages. */
export type TrainParentMessage =
  | { type: 'start'; config: TrainConfigInput; jobId: string }
  | { type: 'preview'; image: PreviewRequest }
  | { type: 'stop' };
/** Child -> parent messages. */
export type TrainChildMessage = { type: 'event'; event: TrainingEvent };

/** How a training process ended. */
export interface TrainingOutcome {
  status: 'done' | 'cancelled' | 'failed';
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** The terminal event (synthesised as `failed` when the process died without one). */
  event: TrainingEvent;
}

/** A running training process. */
export interface TrainingProcess {
  pid: number | undefined;
  /** Asks the child to checkpoint and stop; resolves when it has exited. */
  stop(): Promise<void>;
  /** Kills the child at once (SIGKILL); the last checkpoint stays. */
  kill(): void;
  /**
   * Asks the child to preview an image from the weights it holds (at each checkpoint and
   * validation, and soon for a new one); each written preview arrives as a `preview` event.
   */
  preview(image: PreviewRequest): void;
  /** Resolves (never rejects) when the child has exited. */
  done: Promise<TrainingOutcome>;
}

/** Starts the child; injectable so tests can run another module or a fake process. */
export type ProcessFactory = () => ChildProcess;

/**
 * The default child. In the built app (electron-vite bundles main with a `trainProcess` entry) a
 * compiled `trainProcess.js` sits beside this code and runs as is (under Electron, `fork` runs it
 * as plain Node); from the sources, trainProcess.ts runs under tsx.
 */
export function defaultTrainingProcessFactory(): ChildProcess {
  const built = fileURLToPath(new URL('./trainProcess.js', import.meta.url));
  const stdio: ['ignore', 'inherit', 'inherit', 'ipc'] = ['ignore', 'inherit', 'inherit', 'ipc'];
  if (existsSync(built)) return fork(built, [], { stdio });
  const modulePath = fileURLToPath(new URL('./trainProcess.ts', import.meta.url));
  return fork(modulePath, [], { execArgv: ['--import', 'tsx'], stdio });
}

/**
 * Runs `train` in a child process so that a crash (out of memory, a native abort, kill -9)
 * cannot take the caller down. Events of the child arrive through `onEvent`; if the child
 * exits without a terminal event (done / cancelled / failed), a `failed` event is emitted
 * that names the exit code or signal and the step of the last checkpoint to resume from.
 */
export function startTrainingProcess(
  config: TrainConfigInput,
  opts: {
    onEvent: (event: TrainingEvent) => void;
    onExit?: (outcome: TrainingOutcome) => void;
    jobId?: string;
    factory?: ProcessFactory;
  },
): TrainingProcess {
  const jobId = opts.jobId ?? `train-${Date.now().toString(36)}`;
  const child = (opts.factory ?? defaultTrainingProcessFactory)();
  let terminal: TrainingEvent | null = null;
  let lastCheckpoint: number | null = null;
  let exited = false;

  child.on('message', (raw: unknown) => {
    const message = raw as TrainChildMessage;
    if (message?.type !== 'event') return;
    const parsed = trainingEventSchema.safeParse(message.event);
    if (!parsed.success) {
      // The child is ours: a message that does not fit the event type is a bug, reported, not relayed.
      process.stderr.write(
        `[train] ignored a malformed event from the training process: ${parsed.error.message}\n`,
      );
      return;
    }
    const event = parsed.data;
    if (event.kind === 'checkpoint') lastCheckpoint = event.step;
    if (event.kind === 'done' || event.kind === 'cancelled' || event.kind === 'failed') terminal = event;
    opts.onEvent(event);
  });

  const done = new Promise<TrainingOutcome>((resolve) => {
    const finish = (exitCode: number | null, signal: NodeJS.Signals | null): void => {
      if (exited) return;
      exited = true;
      let event = terminal;
      if (event === null) {
        event = crashEvent(jobId, exitCode, signal, lastCheckpoint);
        opts.onEvent(event);
      }
      const status = event.kind === 'done' ? 'done' : event.kind === 'cancelled' ? 'cancelled' : 'failed';
      const outcome: TrainingOutcome = { status, exitCode, signal, event };
      opts.onExit?.(outcome);
      resolve(outcome);
    };
    child.on('exit', finish);
    child.on('error', () => {
      // A failed spawn emits 'error' without 'exit'.
      if (child.pid === undefined) finish(null, null);
    });
  });

  const send = (message: TrainParentMessage): void => {
    if (child.connected) child.send(message);
  };
  send({ type: 'start', config, jobId });

  return {
    pid: child.pid,
    stop: async () => {
      send({ type: 'stop' });
      await done;
    },
    kill: () => {
      if (!exited) child.kill('SIGKILL');
    },
    preview: (image) => send({ type: 'preview', image }),
    done,
  };
}

function crashEvent(
  jobId: string,
  exitCode: number | null,
  signal: NodeJS.Signals | null,
  lastCheckpoint: number | null,
): TrainingEvent {
  const how = signal !== null ? `was killed (${signal})` : `exited with code ${exitCode ?? 'unknown'}`;
  const keep =
    lastCheckpoint === null
      ? 'If a checkpoint was written earlier, run again with resume (--resume) to continue from it.'
      : `The checkpoint of step ${lastCheckpoint} is kept: run again with resume (--resume) to continue from it.`;
  return {
    kind: 'failed',
    jobId,
    at: new Date().toISOString(),
    error: { code: 'internal', message: `The training process ${how} before it finished. ${keep}` },
  };
}
