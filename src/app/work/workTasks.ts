import type { CompareResult, ExportResult } from '../../shared/apiModels';
import type { PredictionEvent, PredictionResult } from '../../shared/jobs';
import { type ScoreImagesTask, scoreImages } from '../compare/scoreImages';
import { type ExportMasksTask, exportMaskFiles } from '../export/writeMaskFiles';
import { type ExportPackageTask, writePackageTask } from '../models/modelPackages';
import {
  type PredictFolderTask,
  type PredictImagesTask,
  predictFolder,
  predictProjectImages,
} from '../prediction/predictionTasks';
import { predictRunPreview, type RunPreviewTask } from '../training/runPreview';

/**
 * The heavy work the app hands to its work process, by kind: what each takes and returns. To
 * move another piece of work off the main side, add its kind here and in `runWorkTask`.
 */
export interface WorkKinds {
  predictImages: { task: PredictImagesTask; result: PredictionResult };
  predictFolder: { task: PredictFolderTask; result: PredictionResult };
  scoreImages: { task: ScoreImagesTask; result: CompareResult };
  exportMasks: { task: ExportMasksTask; result: ExportResult };
  runPreview: { task: RunPreviewTask; result: Awaited<ReturnType<typeof predictRunPreview>> };
  exportModelPackage: { task: ExportPackageTask; result: { path: string } };
}

export type WorkKind = keyof WorkKinds;

/** One piece of work: its kind and its input. */
export type WorkTask = { [K in WorkKind]: { kind: K; task: WorkKinds[K]['task'] } }[WorkKind];

/** The result of a piece of work of kind K. */
export type WorkResult<K extends WorkKind> = WorkKinds[K]['result'];

/**
 * Runs one piece of work in this process (the work process calls it; so do tests). Long work
 * reports through `emit` and stops with AppError('cancelled') when `signal` aborts.
 */
export async function runWorkTask(
  work: WorkTask,
  signal: AbortSignal,
  emit: (event: PredictionEvent) => void,
): Promise<WorkResult<WorkKind>> {
  switch (work.kind) {
    case 'predictImages':
      return predictProjectImages(work.task, signal, emit);
    case 'predictFolder':
      return predictFolder(work.task, signal, emit);
    case 'scoreImages':
      return scoreImages(work.task);
    case 'exportMasks':
      return exportMaskFiles(work.task);
    case 'runPreview':
      return predictRunPreview(work.task);
    case 'exportModelPackage':
      return writePackageTask(work.task);
  }
}
