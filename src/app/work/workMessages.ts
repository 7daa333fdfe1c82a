import type { ErrorInfo } from '../../shared/errors';
import type { PredictionEvent } from '../../shared/jobs';
import type { WorkKind, WorkResult, WorkTask } from './workTasks';

/** Main side -> work process. */
export type WorkRequest = { type: 'run'; id: number; work: WorkTask } | { type: 'cancel'; id: number };

/** Work process -> main side: events of a piece of work, then its result or error. */
export type WorkReply =
  | { type: 'event'; id: number; event: PredictionEvent }
  | { type: 'result'; id: number; value: WorkResult<WorkKind> }
  | { type: 'error'; id: number; error: ErrorInfo };
