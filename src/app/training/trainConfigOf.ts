import type { TrainingRequest } from '../../shared/apiModels';

/** One training image as the engine's TrainConfig takes it (files on disk). */
export interface TrainImageFiles {
  image: string;
  annotation:
    | { kind: 'annotation'; classesPath: string; instancesPath?: string }
    | { kind: 'labelTiles'; dir: string; imageId: string };
}

/** Time budget when the request gives neither steps nor minutes. */
export const DEFAULT_MINUTES = 30;

/**
 * The engine TrainConfigInput (training/trainConfig) of a panel request: unset advanced fields
 * are left out so the preset decides; `classCount` = network classes (project class ids 1..K
 * map to network classes 0..K-1; with `objectBorders` it stays 2 and the engine adds the border
 * class itself). Steps win over minutes; neither -> DEFAULT_MINUTES.
 */
export function trainConfigOf(
  request: TrainingRequest,
  images: TrainImageFiles[],
  outDir: string,
  classCount: number,
): Record<string, unknown> & { steps?: number; minutes?: number } {
  const a = request.advanced;
  const architecture: Record<string, number> = { classes: classCount };
  if (a.depth !== undefined) architecture.depth = a.depth;
  if (a.baseFilters !== undefined) architecture.baseFilters = a.baseFilters;
  const config: Record<string, unknown> & { steps?: number; minutes?: number } = {
    images,
    outDir,
    preset: request.preset,
    architecture,
    valFraction: request.valFraction,
  };
  const copy = [
    'tileSize',
    'optimizer',
    'learningRate',
    'w0',
    'sigma',
    'checkpointMinutes',
    'checkpointEverySteps',
    'validateEverySteps',
    'seed',
  ] as const;
  for (const key of copy) if (a[key] !== undefined) config[key] = a[key];
  if (a.augmentation !== undefined) config.augmentation = { enabled: a.augmentation };
  // The engine then trains 3 network classes (background, interior, border) of one foreground class.
  if (a.objectBorders !== undefined) config.objectBorders = a.objectBorders;
  if (a.steps !== undefined) config.steps = a.steps;
  else config.minutes = a.minutes ?? DEFAULT_MINUTES;
  return config;
}
