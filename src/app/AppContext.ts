import type { ProcessFactory } from '../engine/index';
import type { BackendReport, PickResult, ShellKind } from '../shared/api';
import type { UiEvents } from './events/UiEvents';
import type { JobEmitter, PredictionJobs } from './prediction/predictionJobs';
import type { ProjectSession } from './project/ProjectSession';
import type { TrainingRuns } from './training/trainingRuns';
import type { WorkRunner } from './work/InProcessWork';
import type { WorkProcessFactory } from './work/WorkProcess';

/** Native dialogs a shell can offer (Electron); without them pick* answers "cancelled". */
export interface Dialogs {
  pickFolder(purpose: 'open' | 'create'): Promise<PickResult>;
  pickFiles(): Promise<PickResult>;
}

/** How a shell configures its studio service. */
export interface StudioServiceOptions {
  shell: ShellKind;
  version: string;
  /**
   * Browser shell: projects may only be created/opened below this folder, and importImages
   * only reads files inside the open project ('forbidden_path' otherwise). null = no limits
   * (Electron: the user's own dialogs).
   */
  workspaceRoot: string | null;
  dialogs?: Dialogs;
  /** Environment for the config folder (UNET_STUDIO_CONFIG_DIR in tests). */
  env?: NodeJS.ProcessEnv;
  /** Starts training processes (tests inject one); default: the engine's training child. */
  trainingProcessFactory?: ProcessFactory;
  /**
   * Where heavy work runs: 'process' (default: the work process, started by `workProcessFactory`
   * or src/app/work/workChild.ts) or 'in-process' (tests of the use cases).
   */
  work?: 'process' | 'in-process';
  workProcessFactory?: WorkProcessFactory;
}

/**
 * What every use case works with: the open project, the UI event stream, the registries of
 * training runs and prediction jobs, the work process, and the shell's options. One per
 * studio service.
 */
export interface AppContext {
  options: StudioServiceOptions;
  session: ProjectSession;
  events: UiEvents;
  runs: TrainingRuns;
  jobs: PredictionJobs;
  /** Sends a job event to the UI (the `jobEvent` event). */
  emitJob: JobEmitter;
  /** Where heavy work runs: prediction, scoring, export (off the main side's event loop). */
  work: WorkRunner;
  /** Imports running now (cancelImport aborts them). */
  imports: Set<AbortController>;
  /** The backend report, computed once per process (later calls report the same choice). */
  backend: { report: Promise<BackendReport> | null };
}
