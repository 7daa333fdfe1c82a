/**
 * Shared model types: the architecture, and the metadata stored beside the weights in a model
 * folder. Several engine areas (model, training, prediction, onnx) agree on these.
 */

/** U-Net architecture (paper: depth 4, baseFilters 64, 2 classes, dropout 0.5 at the bottom). */
export interface UNetConfig {
  /** Number of 2x2 max-pool steps (paper: 4). */
  depth: number;
  /** Channels of the first level; doubled at each step down (paper: 64). */
  baseFilters: number;
  /** Channels of the input image (1 grayscale, 3 RGB, or any N chosen channels of a stack). */
  inputChannels: number;
  /** Output classes of the 1x1 head (2 = background, foreground). */
  classes: number;
  /** Dropout rate at the end of the contracting path (paper: 0.5). */
  dropout: number;
}

/**
 * Fixed statistics of the training set: x' = (x / scale - mean[c]) / std[c] per channel, where
 * `scale` is the full scale of the image's own bit depth (255, 65535; 1 for float data). Models
 * written before `kind` existed hold this form without a `kind`.
 * bioimage.io: `zero_mean_unit_variance` with `mode: fixed`, mean = scale * mean[c] and
 * std = scale * std[c] on the raw values.
 */
export interface MeanStdNormalization {
  kind?: 'meanStd';
  scale: number;
  mean: number[];
  std: number[];
}

/**
 * Per image: x' = (x - P_low) / (P_high - P_low + epsilon), P_q = the q-th percentile (numpy's
 * linear interpolation) of that image's values, per channel when `perChannel`, else over all
 * channels together. Robust to the bit depth, the exposure and the background level of each
 * image. bioimage.io: `scale_range` with `mode: per_sample`, min_percentile = low,
 * max_percentile = high, eps = epsilon, axes 'xy' (perChannel) or 'cxy' (joint).
 */
export interface PercentileNormalization {
  kind: 'percentile';
  low: number;
  high: number;
  perChannel: boolean;
  epsilon: number;
}

/** How raw pixel values become network input; see the two kinds. */
export type Normalization = MeanStdNormalization | PercentileNormalization;

/** The percentile normalisation new runs use by default (1st to 99.8th percentile, per channel). */
export const DEFAULT_PERCENTILE_NORMALIZATION: PercentileNormalization = {
  kind: 'percentile',
  low: 1,
  high: 99.8,
  perChannel: true,
  epsilon: 1e-6,
};

export interface ClassInfo {
  name: string;
  /** CSS colour, e.g. '#ff0000'. */
  color: string;
}

/** One source channel a model takes: its 0-based index in the image, and its name when the image had one. */
export interface ModelInputChannel {
  index: number;
  name?: string;
}

/** metadata.json in a model folder. */
export interface ModelMetadata {
  format: 'unet-studio-model';
  version: 1;
  architecture: UNetConfig;
  /** Input tile edge (px) the model was trained with; any legal size works at inference. */
  tileSize: number;
  /** Class index i of the network output; index 0 is background. */
  classes: ClassInfo[];
  normalization: Normalization;
  /**
   * The source channels the network's input channels are, in order, when training chose some
   * (e.g. channels 1 and 3 of a 4-channel stack). Prediction selects the same channels of an
   * image. Absent: the image is taken as it is (gray <-> RGB converted); older models lack it.
   */
  inputChannels?: ModelInputChannel[];
  /**
   * The network learned each object's border as a class of its own (output 0 background,
   * 1 object interior, 2 object border; see training/objectBorders). Prediction reports one
   * foreground class, interior + border, and splits touching objects along the predicted borders.
   */
  objectBorders?: boolean;
  provenance: {
    createdAt: string;
    preset?: string;
    steps?: number;
    images?: string[];
    backend?: string;
    seed?: number;
    [key: string]: unknown;
  };
  metrics?: Record<string, number>;
}

/** The paper's default architecture (about 31.0M parameters). */
export const PAPER_UNET: UNetConfig = {
  depth: 4,
  baseFilters: 64,
  inputChannels: 1,
  classes: 2,
  dropout: 0.5,
};
