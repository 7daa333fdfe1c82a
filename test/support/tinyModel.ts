import {
  type ClassInfo,
  createUNet,
  type ModelMetadata,
  type Normalization,
  saveModelFolder,
  type UNetConfig,
} from '../../src/engine/index';

/** Two classes, the default of the tiny test models: background (black) and cell (red). */
const BACKGROUND_AND_CELL: ClassInfo[] = [
  { name: 'background', color: '#000000' },
  { name: 'cell', color: '#ff0000' },
];

/** The metadata.json of a tiny test model (fixed creation date, no training provenance). */
export function tinyModelMetadata(
  architecture: UNetConfig,
  tileSize: number,
  normalization: Normalization,
  classes: ClassInfo[] = BACKGROUND_AND_CELL,
): ModelMetadata {
  return {
    format: 'unet-studio-model',
    version: 1,
    architecture,
    tileSize,
    classes,
    normalization,
    provenance: { createdAt: '2026-01-01T00:00:00Z' },
  };
}

/**
 * Builds `createUNet(metadata.architecture, metadata.tileSize, seed)` (untrained, seeded, so a
 * test can rebuild the same net for its expectation), saves it as a model folder at `dir` and
 * disposes it.
 */
export async function saveTinyModel(dir: string, metadata: ModelMetadata, seed: number): Promise<void> {
  const unet = createUNet(metadata.architecture, metadata.tileSize, seed);
  try {
    await saveModelFolder(dir, unet, metadata);
  } finally {
    unet.dispose();
  }
}
