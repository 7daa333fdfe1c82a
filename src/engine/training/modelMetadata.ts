import type { ClassInfo, ModelInputChannel, ModelMetadata, Normalization, UNetConfig } from '../model/types';

/**
 * Names and colours of a trained model's classes: background, then `class 1`, `class 2`, ...; a
 * model that learned object borders has background, object (interior) and object border.
 */
export function trainedClasses(count: number, objectBorders = false): ClassInfo[] {
  if (objectBorders) {
    return [
      { name: 'background', color: '#000000' },
      { name: 'object', color: '#ffffff' },
      { name: 'object border', color: '#ff0000' },
    ];
  }
  return Array.from({ length: count }, (_, i) =>
    i === 0
      ? { name: 'background', color: '#000000' }
      : { name: `class ${i}`, color: i === 1 ? '#ffffff' : '#ff0000' },
  );
}

/**
 * The metadata.json of weights a training run holds (a saved model, or a checkpoint read for a
 * preview): architecture, training tile, the run's input normalisation, provenance and metrics.
 * The one place that fills in what a trained model's metadata says by default.
 */
export function trainedModelMetadata(parts: {
  architecture: UNetConfig;
  tileSize: number;
  normalization: Normalization;
  /** The source channels chosen for training, if any (see ModelMetadata.inputChannels). */
  inputChannels?: ModelInputChannel[];
  /** The network learned object outlines as a third class (ModelMetadata.objectBorders). */
  objectBorders?: boolean;
  provenance: Omit<ModelMetadata['provenance'], 'createdAt'>;
  metrics?: Record<string, number>;
}): ModelMetadata {
  return {
    format: 'unet-studio-model',
    version: 1,
    architecture: parts.architecture,
    tileSize: parts.tileSize,
    classes: trainedClasses(parts.architecture.classes, parts.objectBorders === true),
    normalization: parts.normalization,
    ...(parts.inputChannels === undefined ? {} : { inputChannels: parts.inputChannels }),
    ...(parts.objectBorders === true ? { objectBorders: true } : {}),
    provenance: { createdAt: new Date().toISOString(), ...parts.provenance },
    ...(parts.metrics === undefined ? {} : { metrics: parts.metrics }),
  };
}
