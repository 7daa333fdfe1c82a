import type * as tf from '@tensorflow/tfjs';
import { AppError } from '../../shared/errors';
import { createRng, type Rng } from '../augment/index';
import { type BackendInfo, checkTrainingFits } from '../backend/index';
import { assertLegalInputSize, createUNet, type UNet } from '../model/index';
import { DEFAULT_PERCENTILE_NORMALIZATION, type Normalization } from '../model/types';
import { type ScheduleSpan, scheduleSpan } from './lrSchedule';
import { computeNormalization } from './normalization';
import { createOptimizer } from './optimizerState';
import { readRunCheckpoint, restoreRunCheckpoint } from './runCheckpoint';
import { splitSamples } from './splitSamples';
import { type ResolvedSettings, resolveSettings, type TrainConfig } from './trainConfig';
import { type LoadedSample, loadTrainingData, normalizeSamples } from './trainingData';
import { type SamplerEntry, samplerEntries } from './trainStep';
import { WeightAverage } from './weightAverage';

/** Everything a run needs once set up; `dispose()` frees the model and optimiser. */
export interface PreparedRun {
  settings: ResolvedSettings;
  outputSize: number;
  unet: UNet;
  /** The weight average used for validation and saved models, or null (settings.emaDecay 0). */
  average: WeightAverage | null;
  optimizer: tf.Optimizer;
  rng: Rng;
  train: SamplerEntry[];
  validation: LoadedSample[];
  normalization: Normalization;
  /** Steps done before this session (0 for a new run). */
  startStep: number;
  elapsedSeconds: number;
  bestValidationIoU: number | null;
  bestStep: number | null;
  lastValidationIoU: number | null;
  lastValidatedStep: number | null;
  /** What the learning-rate schedule spans in this session. */
  schedule: ScheduleSpan;
  /** Things the user should know (cache use, images without labels...). */
  notes: string[];
  dispose(): void;
}

/**
 * Loads the data, splits off the validation images (seeded), computes or restores the input
 * normalisation, builds the U-Net and optimiser, and with `config.resume` restores the
 * checkpoint (refusing incompatible settings). A step that would not fit the backend's memory is
 * refused up front ('out_of_memory', with checkTrainingFits' advice). A new run into a folder that holds a
 * checkpoint is refused ('conflict') rather than overwriting it.
 */
export async function prepareRun(config: TrainConfig, backend: BackendInfo): Promise<PreparedRun> {
  const checkpoint = await readRunCheckpoint(config.outDir);
  if (config.resume && checkpoint === null) {
    throw new AppError(
      'not_found',
      `Nothing to resume: ${config.outDir} holds no complete checkpoint. Start without resume to train from scratch.`,
    );
  }
  if (!config.resume && checkpoint !== null) {
    throw new AppError(
      'conflict',
      `${config.outDir} already holds a training checkpoint (step ${checkpoint.state.step}): resume it (--resume) or choose another output folder.`,
    );
  }
  // An illegal tile is known before any image is read (it depends on the depth only).
  const early = resolveSettings(config, 1);
  assertLegalInputSize(early.tileSize, early.architecture.depth);
  const notes: string[] = [];
  const labelClasses = config.architecture.classes ?? 2;
  // A resumed run keeps what its checkpoint learned; a new one settles 'auto' from its labels.
  if (config.objectBorders === 'auto' && config.resume && checkpoint !== null)
    config = { ...config, objectBorders: checkpoint.state.settings.objectBorders === true };
  if (config.objectBorders === true && labelClasses !== 2) {
    throw new AppError(
      'invalid_argument',
      `Object borders need one foreground class; this run has ${labelClasses - 1}.`,
    );
  }
  const data = await loadTrainingData(config, labelClasses);
  if (config.objectBorders === 'auto' && labelClasses === 2)
    notes.push(objectBordersNote(data.touchingImage));
  config = { ...config, objectBorders: data.objectBorders };
  // Object borders add the outline class to the network: background, interior, border.
  const numClasses = data.objectBorders ? 3 : labelClasses;
  if (data.cacheHits > 0)
    notes.push(`weight maps: ${data.cacheHits} of ${data.samples.length} taken from the cache`);
  const settings = resolveSettings(config, data.channels);
  settings.architecture.classes = numClasses;
  const outputSize = assertLegalInputSize(settings.tileSize, settings.architecture.depth);
  const fit = checkTrainingFits(backend, settings.architecture, settings.tileSize, settings.batch);
  if (!fit.fits)
    throw new AppError('out_of_memory', fit.advice ?? 'This training step does not fit in memory.');

  const { train, validation } = splitSamples(data.samples, config.valFraction, config.seed);
  // A resumed run keeps the normalisation its weights were trained with.
  const normalization: Normalization =
    checkpoint?.state.normalization ??
    (settings.normalization === 'percentile'
      ? DEFAULT_PERCENTILE_NORMALIZATION
      : {
          ...computeNormalization(
            train.map((s) => s.image),
            data.channels,
            1,
          ),
          scale: data.scale,
        });
  await normalizeSamples(data.samples, normalization);

  const entries = samplerEntries(train);
  const unlabelled = train.length - entries.length;
  if (unlabelled > 0) notes.push(`${unlabelled} training image(s) have no labelled pixel and are skipped`);
  if (entries.length === 0) {
    throw new AppError(
      'invalid_argument',
      'No training image has a labelled pixel: annotate at least one region.',
    );
  }

  const unet = createUNet(settings.architecture, settings.tileSize, config.seed);
  const optimizer = createOptimizer(settings.optimizer);
  let average: WeightAverage | null = null;
  const dispose = (): void => {
    optimizer.dispose();
    average?.dispose();
    unet.dispose();
  };
  try {
    if (settings.emaDecay > 0) average = WeightAverage.create(unet, settings.emaDecay);
    if (checkpoint !== null)
      await restoreRunCheckpoint(config.outDir, checkpoint, settings, unet, average, optimizer);
  } catch (error) {
    dispose();
    throw error;
  }
  const state = checkpoint?.state;
  return {
    settings,
    outputSize,
    unet,
    average,
    optimizer,
    rng: createRng(config.seed, state?.rngState),
    train: entries,
    validation,
    normalization,
    startStep: state?.step ?? 0,
    elapsedSeconds: state?.elapsedSeconds ?? 0,
    bestValidationIoU: state?.bestValidationIoU ?? null,
    bestStep: state?.bestStep ?? null,
    lastValidationIoU: state?.lastValidationIoU ?? null,
    lastValidatedStep: state?.lastValidatedStep ?? null,
    schedule: scheduleSpan(config, state?.schedule, state?.step ?? 0, state?.elapsedSeconds ?? 0),
    notes,
    dispose,
  };
}

/** What 'auto' object borders became, and which image decided it. */
function objectBordersNote(touchingImage: string | null): string {
  return touchingImage === null
    ? 'object borders: off (no labelled objects touch)'
    : `object borders: on, labelled objects touch (${touchingImage}): the network learns background, object interior and object border, and splits touching objects along the borders`;
}
