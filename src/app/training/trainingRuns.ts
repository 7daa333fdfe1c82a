import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  modelId,
  type PreviewRequest,
  type ProcessFactory,
  pathExists,
  type RunLogLine,
  runFolder,
  runsFolder,
  startTrainingProcess,
  type TrainingProcess,
} from '../../engine/index';
import type { RunInfo, RunLog, RunStatus } from '../../shared/apiModels';
import { AppError } from '../../shared/errors';
import type { TrainingEvent } from '../../shared/jobs';
import type { JobEmitter } from '../prediction/predictionJobs';
import { RunLogCache } from './runLogCache';
import { readRunRecord } from './runRecord';
import { runLogPoints, summarizeRun } from './runSummary';

interface LiveRun {
  process: TrainingProcess;
  status: RunStatus;
}

/**
 * The registry of training runs. Each runs in its own process (startTrainingProcess) owned by
 * the studio service, so closing or reloading a window does not stop it; a run whose process died without
 * finishing shows as `interrupted` and resumes from its last checkpoint. Events go out as
 * jobEvent with jobKind 'training' and jobId = runId.
 */
export class TrainingRuns {
  private readonly live = new Map<string, LiveRun>();
  private readonly logs = new RunLogCache();

  constructor(
    private readonly emit: JobEmitter,
    private readonly factory?: ProcessFactory,
  ) {}

  /** Continues a stopped / interrupted run from its checkpoint. */
  async resume(projectDir: string, runId: string): Promise<RunInfo> {
    if (this.live.has(runId)) throw new AppError('conflict', `Run ${runId} is already training.`);
    const info = await this.info(projectDir, runId);
    if (info.checkpointStep === null) {
      throw new AppError('not_found', `Run ${runId} has no checkpoint to resume from; start a new run.`);
    }
    const record = await readRunRecord(runFolder(projectDir, runId));
    this.launch(runId, { ...record.config, resume: true });
    return this.info(projectDir, runId);
  }

  /** Asks a run to checkpoint and stop; resolves once its process has exited. */
  async stop(projectDir: string, runId: string): Promise<RunInfo> {
    const run = this.live.get(runId);
    if (run !== undefined) {
      run.status = 'stopping';
      await run.process.stop();
    }
    return this.info(projectDir, runId);
  }

  /** Number of runs training now. */
  get liveCount(): number {
    return this.live.size;
  }

  /**
   * Asks a live run's process to preview an image from the weights it holds (written to
   * runs/<runId>/preview/, announced by a `preview` event). False when the run is not live.
   */
  requestPreview(runId: string, image: PreviewRequest): boolean {
    const run = this.live.get(runId);
    run?.process.preview(image);
    return run !== undefined;
  }

  /** True when `runId` is a run this service is training now. */
  isLive(runId: string): boolean {
    return this.live.has(runId);
  }

  async info(projectDir: string, runId: string): Promise<RunInfo> {
    const folder = runFolder(projectDir, runId);
    const record = await readRunRecord(folder);
    const lines = await this.logs.read(join(folder, 'run.jsonl'));
    const models: string[] = [];
    for (const kind of ['best', 'last'] as const) {
      if (await pathExists(join(folder, kind === 'best' ? 'best' : 'model', 'metadata.json')))
        models.push(modelId(runId, kind));
    }
    return summarizeRun(record, lines, this.live.get(runId)?.status ?? null, models);
  }

  /** The lines of a run folder's run.jsonl (read incrementally; none when missing). */
  readLog(folder: string): Promise<RunLogLine[]> {
    return this.logs.read(join(folder, 'run.jsonl'));
  }

  /** Every run of the project, newest first. */
  async list(projectDir: string): Promise<RunInfo[]> {
    let names: string[];
    try {
      names = await readdir(runsFolder(projectDir));
    } catch {
      return [];
    }
    const out: RunInfo[] = [];
    for (const name of names
      .filter((n) => /^run_[0-9a-z]+$/.test(n))
      .sort()
      .reverse()) {
      try {
        out.push(await this.info(projectDir, name));
      } catch {
        // A folder without run.json (hand-made or half-created) is not a run of this UI.
      }
    }
    return out;
  }

  async log(projectDir: string, runId: string, sinceStep: number): Promise<RunLog> {
    const lines = await this.logs.read(join(runFolder(projectDir, runId), 'run.jsonl'));
    return { runId, points: runLogPoints(lines, sinceStep), run: await this.info(projectDir, runId) };
  }

  /** Stops every run (checkpoint first) and waits for the processes to exit. */
  async dispose(): Promise<void> {
    await Promise.all([...this.live.values()].map((run) => run.process.stop()));
  }

  /** Starts the training process of `runId` with an engine config; events go out as jobEvent. */
  launch(runId: string, config: Record<string, unknown>): void {
    // The terminal event is held until the process has exited, so that whoever reacts to it
    // (listRuns) sees the run finished: its status then comes from the log alone, and a crash
    // (the synthesised `failed`, no terminal line in run.jsonl) reads as `interrupted`.
    let terminal: TrainingEvent | null = null;
    const emit = (event: TrainingEvent) => this.emit({ ...event, jobKind: 'training' });
    const entry: LiveRun = {
      status: 'starting',
      process: startTrainingProcess(config as Parameters<typeof startTrainingProcess>[0], {
        jobId: runId,
        factory: this.factory,
        onEvent: (event) => {
          if (event.kind === 'started' && entry.status === 'starting') entry.status = 'running';
          if (event.kind === 'done' || event.kind === 'cancelled' || event.kind === 'failed')
            terminal = event;
          else emit(event);
        },
        onExit: (outcome) => {
          this.live.delete(runId);
          emit(terminal ?? outcome.event);
        },
      }),
    };
    this.live.set(runId, entry);
  }
}
