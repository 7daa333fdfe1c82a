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
  /** Channels of the input image (1 grayscale, 3 RGB). */
  inputChannels: number;
  /** Output classes of the 1x1 head (2 = background, foreground). */
  classes: number;
  /** Dropout rate at the end of the contracting path (paper: 0.5). */
  dropout: number;
}

/**
 * How raw pixel values become network input: x' = (x / scale - mean) / std per channel.
 * `scale` is the maximum of the bit depth (255, 65535) or 1 for float data.
 */
export interface Normalization {
  scale: number;
  mean: number[];
  std: number[];
}

export interface ClassInfo {
  name: string;
  /** CSS colour, e.g. '#ff0000'. */
  color: string;
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
