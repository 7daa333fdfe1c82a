import type { Annotation, ImagePixels } from '../../../shared/api';
import type {
  CompareResult,
  ExportResult,
  ModelInfo,
  Prediction,
  RunInfo,
  RunLogPoint,
  TrainableImage,
} from '../../../shared/apiModels';

/** Which screen the workspace shows. */
export type StudioMode = 'annotate' | 'train' | 'compare' | 'export';

/** The latest progress figures of the run being watched. */
export interface LiveFigures {
  step: number;
  totalSteps: number | null;
  loss: number | null;
  tilesPerSecond: number | null;
  etaSeconds: number | null;
  elapsedSeconds: number | null;
  message: string | null;
}

/** A prediction job as the predict panel shows it. */
export interface PredictJob {
  jobId: string;
  modelId: string;
  status: 'running' | 'done' | 'cancelled' | 'failed';
  fraction: number;
  message: string;
  backend: string | null;
  /** Notes kept after the job ends (a channel conversion), see predictNotes. */
  notes: readonly string[];
}

/** Training settings offered to the form by someone who knows the data (the sample tour). */
export interface TrainingSuggestion {
  minutes: number;
  advanced: Partial<Record<'tileSize' | 'baseFilters' | 'depth' | 'learningRate', number>>;
  /** Shown on the form: why these settings. */
  note: string;
}

/** What the compare view shows, by layer kind: kept per set of compared models. */
export interface CompareViewSettings {
  models: string;
  layout: 'side' | 'swipe';
  leftKind: 'prediction' | 'difference' | 'probability' | 'truth' | 'image';
  rightKind: 'prediction' | 'difference' | 'probability' | 'truth' | 'image';
  rightModel: number;
  opacity: number;
  split: number;
}

/** Everything the training, compare and export screens render from. */
export interface LabState {
  mode: StudioMode;
  images: TrainableImage[];
  runs: RunInfo[];
  models: ModelInfo[];
  /** The run whose curves and preview are shown. */
  runId: string | null;
  points: RunLogPoint[];
  live: LiveFigures | null;
  backend: string | null;
  /** What a new run trains on (getBackendInfo): the backend's name, and why a GPU was passed over. */
  trainsOn: { description: string; warnings: string[] } | null;
  previewImageId: string | null;
  preview: Prediction | null;
  job: PredictJob | null;
  /** Models compared (one or two). */
  compareModels: string[];
  compare: CompareResult | null;
  compareImageId: string | null;
  exported: ExportResult | null;
  /** The image shown in the compare view with its annotation and each model's prediction. */
  compareData: {
    imageId: string;
    pixels: ImagePixels;
    annotation: Annotation;
    predictions: (Prediction | null)[];
  } | null;
  /** Pixels of the preview image (training panel). */
  previewPixels: ImagePixels | null;
  /** Retrain: the training panel starts from this model (set by the compare view). */
  initFromModel: string | null;
  /** The compare view's layout and layers, kept while switching images (for the same models). */
  compareView: CompareViewSettings | null;
  /** Settings the training form should start from, and why (the sample tour sets them). */
  trainingSuggestion: TrainingSuggestion | null;
}

export const initialLabState: LabState = {
  mode: 'annotate',
  images: [],
  runs: [],
  models: [],
  runId: null,
  points: [],
  live: null,
  backend: null,
  trainsOn: null,
  previewImageId: null,
  preview: null,
  job: null,
  compareModels: [],
  compare: null,
  compareImageId: null,
  exported: null,
  initFromModel: null,
  compareData: null,
  previewPixels: null,
  trainingSuggestion: null,
  compareView: null,
};
