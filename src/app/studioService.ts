import type { ApiEvent, ApiEventMessage, ApiEventPayloads, ApiHandlers, Unsubscribe } from '../shared/api';
import type { JobUpdate } from '../shared/jobs';
import type { AppContext, StudioServiceOptions } from './AppContext';
import { apiHandlers } from './apiHandlers';
import { UiEvents } from './events/UiEvents';
import { PredictionJobs } from './prediction/predictionJobs';
import { ProjectSession } from './project/ProjectSession';
import { TrainingRuns } from './training/trainingRuns';
import { InProcessWork } from './work/InProcessWork';
import { WorkProcess } from './work/WorkProcess';

export type { Dialogs, StudioServiceOptions } from './AppContext';

/** The API implemented once, plus its event stream; both shells wrap this. */
export interface StudioService {
  handlers: ApiHandlers;
  /** Listens to every event (shells forward them to the UI). */
  subscribe(listener: (message: ApiEventMessage) => void): Unsubscribe;
  /** Sends an event to every listener (used by job runners). */
  emit<K extends ApiEvent>(event: K, payload: ApiEventPayloads[K]): void;
  /**
   * True while a training run or prediction job runs: they belong to this service, not to a
   * window, so a shell should keep running (and dispose() stops runs with a checkpoint).
   */
  busy(): boolean;
  /** Stops runs (checkpointing) and jobs, then closes the open project (releases its lock). */
  dispose(): Promise<void>;
}

/**
 * Builds the API implementation. Holds at most one open project; every handler throws
 * AppError for expected failures (shells turn throws into Results via invokeApi).
 */
export function createStudioService(options: StudioServiceOptions): StudioService {
  const events = new UiEvents();
  const emitJob = (update: JobUpdate) => events.emit('jobEvent', update);
  const ctx: AppContext = {
    options,
    events,
    session: new ProjectSession(events, options.env),
    runs: new TrainingRuns(emitJob, options.trainingProcessFactory),
    jobs: new PredictionJobs(emitJob),
    emitJob,
    work: options.work === 'in-process' ? new InProcessWork() : new WorkProcess(options.workProcessFactory),
    imports: new Set(),
    backend: { report: null },
  };
  return {
    handlers: apiHandlers(ctx),
    emit: (event, payload) => events.emit(event, payload),
    subscribe: (listener) => events.subscribe(listener),
    busy: () => ctx.jobs.size > 0 || ctx.runs.liveCount > 0,
    dispose: async () => {
      await Promise.all([ctx.jobs.dispose(), ctx.runs.dispose()]);
      await ctx.work.dispose();
      await ctx.session.close(false);
    },
  };
}
