import { cp, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Project } from '../../engine/index';
import {
  annotationPaths,
  fsError,
  modelId,
  type ProcessFactory,
  parseModelId,
  pathExists,
  runFolder,
  runsFolder,
  startTrainingProcess,
  type TrainingProcess,
  writeFileAtomic,
  writePng,
  writeTiff,
} from '../../engine/index';
import type { RunInfo, RunLog, RunStatus, TrainingRequest } from '../../shared/apiModels';
import { AppError } from '../../shared/errors';
import type { JobEvent } from '../../shared/jobs';
import type { JobEmitter } from '../prediction/predictionJobs';
import { RunLogCache } from './runLogCache';
import { type RunRecord, runLogPoints, summarizeRun } from './runSummary';
import { type TrainImageFiles, trainConfigOf } from './trainConfigOf';

interface LiveRun {
  process: TrainingProcess;
  status: RunStatus;
}

/**
 * The project's training runs. Each runs in its own process (startTrainingProcess) owned by this
 * service, so closing or reloading a window does not stop it; a run whose process died without
 * finishing shows as `interrupted` and resumes from its last checkpoint. Events go out as
 * jobEvent with jobId = runId.
 */
export class TrainingRuns {
  private readonly live = new Map<string, LiveRun>();
  private readonly logs = new RunLogCache();

  constructor(
    private readonly emit: JobEmitter,
    private readonly factory?: ProcessFactory,
  ) {}

  /** Starts a new run from a request (annotations as saved now). */
  async start(project: Project, runId: string, request: TrainingRequest): Promise<RunInfo> {
    const entries = request.imageIds.map((id) => project.image(id));
    const unlabelled = entries.find((e) => e.annotation.labelledPixels === 0);
    if (unlabelled !== undefined) {
      throw new AppError(
        'invalid_argument',
        `${unlabelled.name} has no labelled pixel: annotate it or leave it out.`,
      );
    }
    const folder = runFolder(project.dir, runId);
    await mkdir(folder, { recursive: true }).catch((error: unknown) => {
      throw fsError(error, folder);
    });
    const images: TrainImageFiles[] = [];
    for (const entry of entries) {
      const paths = annotationPaths(project.dir, entry.id);
      images.push({
        image: await this.imageFile(project, folder, entry),
        annotation: { kind: 'annotation', classesPath: paths.classes, instancesPath: paths.instances },
      });
    }
    const classCount = Math.max(2, ...project.snapshot().classes.map((c) => c.id));
    let config = trainConfigOf(request, images, folder, classCount);
    let resume = false;
    if (request.initFromModel !== undefined) {
      // Retraining continues the source run's last checkpoint in this new run (same settings).
      const source = runFolder(project.dir, parseModelId(request.initFromModel).runId);
      const sourceRecord = await readRecord(source);
      if (this.live.has(sourceRecord.runId))
        throw new AppError('conflict', `Run ${sourceRecord.runId} is still training; stop it first.`);
      await cp(join(source, 'checkpoint'), join(folder, 'checkpoint'), { recursive: true }).catch(() => {
        throw new AppError('not_found', `Run ${sourceRecord.runId} has no checkpoint to retrain from.`);
      });
      const lines = await this.logs.read(join(source, 'run.jsonl'));
      const from = summarizeRun(sourceRecord, lines, null, []).checkpointStep ?? 0;
      config = {
        ...trainConfigOf(sourceRecord.request, images, folder, classCount),
        valFraction: request.valFraction,
      };
      config.steps = from + (request.advanced.steps ?? 200);
      delete config.minutes;
      resume = true;
    }
    const record: RunRecord = {
      version: 1,
      runId,
      createdAt: new Date().toISOString(),
      request,
      imageNames: entries.map((e) => e.name),
      config,
      initFromModel: request.initFromModel,
    };
    await writeFileAtomic(join(folder, 'run.json'), `${JSON.stringify(record, null, 2)}\n`);
    this.launch(runId, { ...config, resume });
    return this.info(project.dir, runId);
  }

  /** Continues a stopped / interrupted run from its checkpoint. */
  async resume(projectDir: string, runId: string): Promise<RunInfo> {
    if (this.live.has(runId)) throw new AppError('conflict', `Run ${runId} is already training.`);
    const info = await this.info(projectDir, runId);
    if (info.checkpointStep === null) {
      throw new AppError('not_found', `Run ${runId} has no checkpoint to resume from; start a new run.`);
    }
    const record = await readRecord(runFolder(projectDir, runId));
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

  /** True when `runId` is a run this service is training now. */
  isLive(runId: string): boolean {
    return this.live.has(runId);
  }

  async info(projectDir: string, runId: string): Promise<RunInfo> {
    const folder = runFolder(projectDir, runId);
    const record = await readRecord(folder);
    const lines = await this.logs.read(join(folder, 'run.jsonl'));
    const models: string[] = [];
    for (const kind of ['best', 'last'] as const) {
      if (await pathExists(join(folder, kind === 'best' ? 'best' : 'model', 'metadata.json')))
        models.push(modelId(runId, kind));
    }
    return summarizeRun(record, lines, this.live.get(runId)?.status ?? null, models);
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

  private launch(runId: string, config: Record<string, unknown>): void {
    // The terminal event is held until the process has exited, so that whoever reacts to it
    // (listRuns) sees the run finished: its status then comes from the log alone, and a crash
    // (the synthesised `failed`, no terminal line in run.jsonl) reads as `interrupted`.
    let terminal: JobEvent | null = null;
    const entry: LiveRun = {
      status: 'starting',
      process: startTrainingProcess(config as Parameters<typeof startTrainingProcess>[0], {
        jobId: runId,
        factory: this.factory,
        onEvent: (event) => {
          if (event.kind === 'started' && entry.status === 'starting') entry.status = 'running';
          if (event.kind === 'done' || event.kind === 'cancelled' || event.kind === 'failed')
            terminal = event;
          else this.emit(event);
        },
        onExit: (outcome) => {
          this.live.delete(runId);
          this.emit(terminal ?? outcome.event);
        },
      }),
    };
    this.live.set(runId, entry);
  }

  /** The image file training reads: the original, or for one page of a stack that page alone. */
  private async imageFile(
    project: Project,
    folder: string,
    entry: ReturnType<Project['image']>,
  ): Promise<string> {
    if (entry.pages === 1) return join(project.dir, 'images', entry.file);
    const pixels = await project.readPixels(entry.id);
    const raster = {
      width: pixels.width,
      height: pixels.height,
      channels: pixels.channels as 1 | 3 | 4,
      bitDepth: pixels.bitDepth,
      data: pixels.data,
    };
    const path = join(folder, 'inputs', `${entry.id}.${pixels.bitDepth === 32 ? 'tif' : 'png'}`);
    if (pixels.bitDepth === 32) await writeTiff(path, raster);
    else await writePng(path, raster);
    return path;
  }
}

async function readRecord(folder: string): Promise<RunRecord> {
  const path = join(folder, 'run.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new AppError('not_found', `No training run at ${folder}.`);
    throw fsError(error, path);
  }
  try {
    return JSON.parse(text) as RunRecord;
  } catch {
    throw new AppError('corrupt_file', `${path} is not valid JSON.`);
  }
}
