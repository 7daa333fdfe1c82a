import { join } from 'node:path';
import cliProgress from 'cli-progress';
import { type Command, InvalidArgumentError, Option } from 'commander';
import {
  AppError,
  matchTrainingPairs,
  parseTrainConfig,
  startTrainingProcess,
  type TrainConfig,
  type TrainConfigInput,
  type TrainingOutcome,
  writeChannelInputs,
} from '../../engine/index';
import { formatSeconds } from '../../shared/format';
import type { TrainingEvent, TrainingResult } from '../../shared/jobs';

export interface TrainCliOptions {
  images: string;
  labels: string;
  out: string;
  preset: 'fast' | 'paper';
  steps?: number;
  minutes?: number;
  checkpointMinutes?: number;
  checkpointSteps?: number;
  validateEvery?: number;
  resume?: boolean;
  valFraction?: number;
  seed?: number;
  backend: TrainConfigInput['backend'];
  threads?: number;
  tile?: number;
  depth?: number;
  filters?: number;
  batch?: number;
  lr?: number;
  optimizer?: 'sgd' | 'adam';
  w0?: number;
  objectBorders?: boolean;
  sigma?: number;
  augment: boolean;
  classBalance: boolean;
  elastic?: number;
  schedule?: 'constant' | 'cosine';
  warmup?: number;
  ema?: number;
  normalization?: 'percentile' | 'meanStd';
  dropout?: number;
  augmentInvert?: number;
  channels?: number[];
}

const number = (name: string, integer: boolean) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    throw new InvalidArgumentError(`${name} must be ${integer ? 'an integer' : 'a number'}`);
  }
  return n;
};

/**
 * `unet-studio train`: pairs images and labels by base name, runs training in a child process
 * (a crash there is reported, never takes the CLI down), shows a progress bar (or, when stderr
 * is not a terminal, a progress line every 30 s), validation lines and a summary. Ctrl-C
 * checkpoints and stops; a second Ctrl-C kills the training process.
 */
export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('Train a U-Net on images and label masks matched by base name')
    .requiredOption('--images <dir>', 'folder of training images (PNG, JPEG, TIFF; gray or RGB)')
    .requiredOption(
      '--labels <dir>',
      'folder of label masks: binary (nonzero = foreground) or 16-bit instance ids',
    )
    .requiredOption('--out <dir>', 'output folder: model/, best/, checkpoint/, run.jsonl')
    .addOption(new Option('--preset <name>', 'settings bundle').choices(['fast', 'paper']).default('fast'))
    .option('--steps <n>', 'training steps (total, counting earlier sessions)', number('--steps', true))
    .option(
      '--minutes <m>',
      'time budget in minutes (total, counting earlier sessions)',
      number('--minutes', false),
    )
    .option(
      '--checkpoint-minutes <c>',
      'minutes between checkpoints (default 5)',
      number('--checkpoint-minutes', false),
    )
    .option('--checkpoint-steps <n>', 'also checkpoint every n steps', number('--checkpoint-steps', true))
    .option(
      '--validate-every <n>',
      'steps between validations (default 100)',
      number('--validate-every', true),
    )
    .option('--resume', 'continue from the checkpoint in --out')
    .option(
      '--val-fraction <f>',
      'share of images held out for validation (default 0.2)',
      number('--val-fraction', false),
    )
    .option('--seed <s>', 'random seed (default 1)', number('--seed', true))
    .addOption(
      new Option('--backend <name>', 'TensorFlow.js backend')
        .choices(['auto', 'tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'])
        .default('auto'),
    )
    .option('--threads <n>', 'wasm threads (default: all cores)', number('--threads', true))
    .option('--tile <t>', 'input tile edge in px (must be legal for the depth)', number('--tile', true))
    .option('--depth <n>', 'U-Net depth: max-pool steps (preset: 4)', number('--depth', true))
    .option('--filters <n>', 'base filters of the first level (fast 16, paper 64)', number('--filters', true))
    .option('--batch <b>', 'tiles per step', number('--batch', true))
    .option('--lr <x>', 'learning rate', number('--lr', false))
    .addOption(new Option('--optimizer <name>', 'optimiser').choices(['sgd', 'adam']))
    .option('--w0 <x>', 'border weight amplitude of the weight map (fast 0, paper 10)', number('--w0', false))
    .option('--sigma <px>', 'border weight width in px (paper: 5)', number('--sigma', false))
    .option(
      '--object-borders',
      "learn each object's outline as a third class, so touching objects split at prediction (one foreground class; fast preset: when labelled objects touch)",
    )
    .option('--no-object-borders', 'never learn object outlines (two classes, as in the paper)')
    .option('--no-augment', 'turn off augmentation')
    .option(
      '--elastic <px>',
      'elastic deformation strength, std of the grid displacement in px; 0 = off (paper: 10)',
      number('--elastic', false),
    )
    .option(
      '--no-class-balance',
      'weigh every pixel alike (fast: balance only where the background is the majority, paper: always)',
    )
    .addOption(
      new Option(
        '--schedule <kind>',
        'learning rate over the budget (fast: cosine, paper: constant)',
      ).choices(['constant', 'cosine']),
    )
    .option(
      '--warmup <f>',
      'share of the budget spent warming the rate up (fast: 0.05)',
      number('--warmup', false),
    )
    .option(
      '--ema <decay>',
      'weight average for validation and saved models, 0 = off (fast: 0.995, paper: 0)',
      number('--ema', false),
    )
    .addOption(
      new Option(
        '--normalization <kind>',
        'input normalisation: per-image percentiles or the mean/std of the set',
      ).choices(['percentile', 'meanStd']),
    )
    .option(
      '--dropout <rate>',
      'dropout at the bottom of the U-Net (preset: 0.5)',
      number('--dropout', false),
    )
    .option(
      '--channels <list>',
      'train on these channels of each image (1-based, e.g. 1,3 of a hyperstack); the model remembers them',
      channelList,
    )
    .action(async (options: TrainCliOptions) => runTrain(options));
}

/**
 * The training configuration the flags ask for. A flag the user did not give stays undefined, so
 * the preset decides: commander sets a `--no-x` flag's option to true when it is absent, which
 * would otherwise override presets whose default is not "on" (the fast preset's class balance).
 */
export function trainConfigInputOf(
  options: TrainCliOptions,
  images: TrainConfigInput['images'],
  inputChannels?: TrainConfigInput['inputChannels'],
): TrainConfigInput {
  return {
    images,
    ...(inputChannels === undefined ? {} : { inputChannels }),
    outDir: options.out,
    preset: options.preset,
    steps: options.steps,
    minutes: options.minutes,
    checkpointMinutes: options.checkpointMinutes,
    checkpointEverySteps: options.checkpointSteps,
    validateEverySteps: options.validateEvery,
    resume: options.resume === true,
    valFraction: options.valFraction,
    seed: options.seed,
    backend: options.backend,
    threads: options.threads,
    tileSize: options.tile,
    architecture: { depth: options.depth, baseFilters: options.filters, dropout: options.dropout },
    batch: options.batch,
    learningRate: options.lr,
    optimizer: options.optimizer,
    w0: options.w0,
    sigma: options.sigma,
    // Declared with its --no- form too, commander leaves it undefined when neither is given.
    objectBorders: options.objectBorders,
    classBalance: options.classBalance === false ? false : undefined,
    augmentation: !options.augment
      ? { enabled: false }
      : options.augmentInvert !== undefined || options.elastic !== undefined
        ? { invert: options.augmentInvert, elasticSigma: options.elastic }
        : undefined,
    schedule: options.schedule,
    warmup: options.warmup,
    ema: options.ema,
    normalization: options.normalization,
  };
}

/** The loss a run uses, stated once at the start, since the presets differ in it. */
export function lossLine(config: Pick<TrainConfig, 'w0' | 'classBalance' | 'objectBorders'>): string {
  const balance =
    config.classBalance === 'auto'
      ? 'where the background is the majority'
      : config.classBalance
        ? 'on'
        : 'off';
  const classes =
    config.objectBorders === 'auto'
      ? ', object borders as a third class if labelled objects touch'
      : config.objectBorders
        ? ', 3 classes: background, object interior, object border'
        : '';
  return `loss: weighted cross-entropy${classes}, border weight w0 ${config.w0}, class balance ${balance}`;
}

/** `1,3` -> [0, 2]: 1-based channel numbers, each once. */
function channelList(value: string): number[] {
  const channels = value.split(',').map((s) => Number(s.trim()));
  if (
    channels.some((c) => !Number.isInteger(c) || c < 1 || c > 64) ||
    new Set(channels).size !== channels.length
  ) {
    throw new InvalidArgumentError('--channels takes channel numbers 1..64, each once, e.g. 1,3');
  }
  return channels.map((c) => c - 1);
}

async function runTrain(options: TrainCliOptions): Promise<void> {
  const matched = await matchTrainingPairs(options.images, options.labels);
  // Chosen channels are cut out once, into the run folder, and recorded in the model.
  const chosen =
    options.channels === undefined
      ? undefined
      : await writeChannelInputs(matched.pairs, options.channels, join(options.out, 'inputs'));
  const input = trainConfigInputOf(options, chosen?.images ?? matched.pairs, chosen?.inputChannels);
  const config = parseTrainConfig(input); // fail fast, before a process starts
  const say = (line: string): void => {
    process.stdout.write(`${line}\n`);
  };
  say(`training on ${matched.pairs.length} image(s) from ${options.images} -> ${options.out}`);
  say(lossLine(config));
  if (matched.unlabelledImages.length > 0)
    say(`note: ${matched.unlabelledImages.length} image(s) without a label are not used`);
  if (matched.orphanLabels.length > 0)
    say(`note: ${matched.orphanLabels.length} label(s) without an image are ignored`);

  const reporter = new TrainReporter(config.steps, say);
  const child = startTrainingProcess(input, { onEvent: (event) => reporter.onEvent(event) });
  say(`training process: pid ${child.pid ?? 'unknown'}`);
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts++;
    if (interrupts === 1) {
      say('\nstopping: writing a checkpoint (Ctrl-C again to kill at once)...');
      void child.stop();
    } else {
      child.kill();
    }
  };
  process.on('SIGINT', onSigint);
  let outcome: TrainingOutcome;
  try {
    outcome = await child.done;
  } finally {
    process.off('SIGINT', onSigint);
    reporter.close();
  }
  const resumeHint = `resume with: unet-studio train --images ${options.images} --labels ${options.labels} --out ${options.out} --resume`;
  if (outcome.event.kind === 'failed') {
    const { code, message, detail } = outcome.event.error;
    throw new AppError(code, message, detail);
  }
  if (outcome.event.kind === 'cancelled') {
    say(`stopped at step ${outcome.event.step ?? '?'}; checkpoint and model saved in ${options.out}`);
    say(resumeHint);
  }
}

/** Turns job events into a progress bar and lines of text. */
class TrainReporter {
  private bar: cliProgress.SingleBar | null = null;
  private lastLineAt = 0;
  private readonly interactive = process.stderr.isTTY === true;

  constructor(
    private readonly steps: number | undefined,
    private readonly print: (line: string) => void,
  ) {}

  /** A line of text; clears the bar's line first so the two do not mix (the bar redraws). */
  private say(line: string): void {
    if (this.bar !== null) process.stderr.write('\r\x1b[K');
    this.print(line);
  }

  onEvent(event: TrainingEvent): void {
    switch (event.kind) {
      case 'started':
        this.say(`backend: ${event.backend ?? 'unknown'}`);
        for (const line of event.detail?.split('\n') ?? []) this.say(`WARNING: ${line}`);
        break;
      case 'progress':
        if (event.message !== undefined) this.say(event.message);
        if (event.loss !== undefined) this.progress(event);
        break;
      case 'validation':
        this.say(
          `validation at step ${event.step}: ${Object.entries(event.metrics)
            .map(([k, v]) => `${k} ${v.toFixed(4)}`)
            .join(', ')}`,
        );
        break;
      case 'checkpoint':
        this.say(`checkpoint at step ${event.step}: ${event.path}`);
        break;
      case 'done': {
        this.close();
        const r = event.result;
        if (r === undefined) break;
        this.say(`done: ${r.steps} steps in ${formatSeconds(r.elapsedSeconds)}`);
        for (const line of doneLines(r)) this.say(line);
        break;
      }
      case 'preview':
        break;
      case 'cancelled':
      case 'failed':
        this.close();
        break;
    }
  }

  close(): void {
    this.bar?.stop();
    this.bar = null;
  }

  private progress(event: Extract<TrainingEvent, { kind: 'progress' }>): void {
    const payload = {
      loss: (event.loss ?? 0).toFixed(4),
      speed: (event.tilesPerSecond ?? 0).toFixed(2),
      remaining: event.etaSeconds === undefined ? '?' : formatSeconds(event.etaSeconds),
      step: event.step,
    };
    if (this.interactive) {
      // Own bar rather than createProgressBar: it must start with a payload and fit 80 columns.
      const total = this.steps ?? 1000;
      if (this.bar === null) {
        this.bar = new cliProgress.SingleBar(
          {
            stream: process.stderr,
            format: '[{bar}] step {step} | loss {loss} | {speed} tiles/s | ETA {remaining}',
            barsize: 16,
            hideCursor: true,
          },
          cliProgress.Presets.shades_classic,
        );
        this.bar.start(total, 0, payload);
      }
      this.bar.update(
        this.steps === undefined ? Math.round((event.fraction ?? 0) * total) : event.step,
        payload,
      );
      return;
    }
    const now = Date.now();
    if (now - this.lastLineAt < 30_000) return;
    this.lastLineAt = now;
    const memory =
      event.memoryBytes === undefined ? '' : ` | rss ${(event.memoryBytes / 2 ** 20).toFixed(0)} MiB`;
    this.say(
      `step ${payload.step} | loss ${payload.loss} | ${payload.speed} tiles/s | ETA ${payload.remaining}${memory}`,
    );
  }
}

/** Says which saved model is which (final vs best on validation) and which to predict with. */
export function doneLines(r: Partial<TrainingResult>): string[] {
  const iou = (v: unknown) =>
    typeof v === 'number' ? `validation foreground IoU ${v.toFixed(4)}` : 'not validated';
  const lines = [
    `final model: ${String(r.modelPath)} (step ${String(r.steps)}, ${iou(r.finalValidationIoU)})`,
  ];
  if (r.bestModelPath)
    lines.push(
      `best model:  ${String(r.bestModelPath)} (step ${String(r.bestStep)}, ${iou(r.bestValidationIoU)})`,
    );
  if (r.recommendedModelPath) {
    const why = !r.bestModelPath
      ? 'no validation'
      : r.recommendedModelPath === r.modelPath
        ? 'the final model is at least as good as the best on validation'
        : 'the best beats the final model on validation';
    lines.push(
      `predict with: ${String(r.recommendedModelPath)} (${why}; \`predict --model\` with the run folder picks it)`,
    );
  }
  return lines;
}
