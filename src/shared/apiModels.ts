import type { AnnotationPatch } from './imageData';

export type { Prediction } from './imageData';

/**
 * Types of the training, prediction, compare and export part of the API. Class
 * indices here are the network's (0 = background, 1.. = foreground classes); a project class id
 * `k` (1 = background, 2 = cell, ...) is network class `k - 1`.
 */

/** An image of the project as a training candidate. */
export interface TrainableImage {
  imageId: string;
  name: string;
  width: number;
  height: number;
  labelledPixels: number;
  objects: number;
  /** Has at least one labelled pixel (the panel preselects these). */
  annotated: boolean;
}

/** Settings the training panel folds away; unset = the preset's value. */
export interface TrainingAdvanced {
  tileSize?: number;
  baseFilters?: number;
  depth?: number;
  optimizer?: 'sgd' | 'adam';
  learningRate?: number;
  /** U-Net eq. 2 border weight and width (px). */
  w0?: number;
  sigma?: number;
  augmentation?: boolean;
  /**
   * Learn each object's border as a class of its own (network classes background, interior,
   * border), so touching objects split at prediction. Needs one foreground class.
   */
  objectBorders?: boolean;
  /** Budget: steps or minutes (one of them; steps wins when both are given). */
  steps?: number;
  minutes?: number;
  checkpointMinutes?: number;
  checkpointEverySteps?: number;
  validateEverySteps?: number;
  seed?: number;
}

/** What the training panel sends to startTraining. */
export interface TrainingRequest {
  imageIds: string[];
  /** Share of the images held out for validation (0..0.9). */
  valFraction: number;
  preset: 'fast' | 'paper';
  advanced: TrainingAdvanced;
  /** Retrain: start from this model's weights (same architecture). */
  initFromModel?: string;
  /**
   * Channels (0-based) that train, in this order: one, or three (shown as RGB to the network);
   * absent = each image as it is. Kept in run.json, so the run's models predict with the same.
   */
  channels?: number[];
}

/** How a run stands: `interrupted` = its process died without finishing (resume from a checkpoint). */
export type RunStatus = 'starting' | 'running' | 'stopping' | 'done' | 'stopped' | 'failed' | 'interrupted';

/** One training run of the project (folder runs/<runId>). */
export interface RunInfo {
  runId: string;
  createdAt: string;
  status: RunStatus;
  request: TrainingRequest;
  imageNames: string[];
  /** The images held out for validation (the engine's seeded split of imageNames). */
  heldOutNames: string[];
  /** Last step reached (from the log). */
  step: number;
  totalSteps: number | null;
  /** Step of the last complete checkpoint (resume point), or null. */
  checkpointStep: number | null;
  checkpointTimes: { step: number; at: string }[];
  bestValidationIoU: number | null;
  bestStep: number | null;
  lastLoss: number | null;
  backend: string | null;
  elapsedSeconds: number;
  startedAt: string | null;
  endedAt: string | null;
  /** Error message of a failed / interrupted run. */
  message: string | null;
  /** Models this run has written (`<runId>.best`, `<runId>.last`). */
  modelIds: string[];
}

/** A point of the live curves. */
export interface RunLogPoint {
  step: number;
  loss?: number;
  validationIoU?: number;
}

/** getRunLog: points after `sinceStep`, and the run's current status. */
export interface RunLog {
  runId: string;
  points: RunLogPoint[];
  run: RunInfo;
}

/** A trained model the project can predict with. */
export interface ModelInfo {
  modelId: string;
  runId: string;
  /** `best`: best by validation IoU; `last`: weights at the last step; `package`: an added bioimage.io package. */
  kind: 'best' | 'last' | 'package';
  label: string;
  createdAt: string;
  steps: number | null;
  classes: number;
  tileSize: number;
  depth: number;
  baseFilters: number;
  metrics: Record<string, number>;
  /**
   * The network learned object borders (3 network classes); `classes` is what its predictions
   * hold all the same: background and foreground (interior + border).
   */
  objectBorders?: boolean;
}

/**
 * What to predict: project images or a folder of image files (masks then go to `outDir`).
 * `tta`: test-time augmentation, the mean of the 8 flips and rotations (8x the time).
 */
export type PredictTarget = ({ imageIds: string[] } | { folder: string; outDir?: string }) & {
  tta?: boolean;
};

/** Scores of one prediction against the annotation (labelled pixels; see metrics/evaluateSegmentation). */
export interface ImageScores {
  iou: number;
  dice: number;
  pixelError: number;
  randError: number;
  objectF1: number;
  truthObjects: number;
  predictedObjects: number;
}

export interface CompareRow {
  imageId: string;
  name: string;
  /** Per model (same order as `modelIds`): scores, or null when not predicted yet. */
  scores: (ImageScores | null)[];
}

export interface CompareResult {
  modelIds: string[];
  rows: CompareRow[];
  /** Per model: mean over the images scored for it, or null when none. */
  set: (ImageScores | null)[];
  /** Annotated images without a prediction of some model. */
  missing: { imageId: string; modelId: string }[];
}

/** A rectangle of label values to paint; `classes[i] = 0` means "leave this pixel as it is". */
export interface AcceptedPrediction extends AnnotationPatch {
  imageId: string;
  /** Objects taken over. */
  objects: number;
  /** True when the patch was written to the saved annotation. */
  saved: boolean;
}

export interface AcceptOptions {
  /** Object ids of `Prediction.instances` to take; absent = the whole prediction. */
  objects?: number[];
  /** Write into the saved annotation (default false: the UI applies it as an undoable edit). */
  save?: boolean;
}

export interface ExportRequest {
  /** What is exported: a model's stored predictions (default) or the hand annotations. */
  source?: 'prediction' | 'annotation';
  /** The model whose predictions are exported (required for source 'prediction'). */
  modelId?: string;
  imageIds: string[];
  folder: string;
  format: 'png' | 'tif';
  /**
   * classes: the project's class ids (1 background, 2 the first object class; 0 = unlabelled in
   * annotations); binary: 0/255; instances: object ids (16-bit; 32-bit TIFF past 65535).
   */
  kind: 'classes' | 'binary' | 'instances';
  /** Predicted objects smaller than this (px) are dropped from the masks and objects.csv (default 0). */
  minObjectArea?: number;
  /** File names: the image's base name (default), or prefixed with the image id (never clashes). */
  naming?: 'name' | 'id';
}

/** An image an export left out, and why (in words for the user). */
export interface ExportSkip {
  imageId: string;
  name: string;
  reason: string;
}

export interface ExportResult {
  folder: string;
  files: string[];
  csv: string;
  /** Images not written (not predicted, name clash, too many objects for the format...). */
  skipped: ExportSkip[];
}
