import { stat } from 'node:fs/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import { AppError, listImages, predictFiles } from '../../engine/index';
import { createProgressBar } from '../progress';

interface PredictOptions {
  model: string;
  images: string;
  out: string;
  probabilities?: boolean | 'tif' | 'npy';
  instances?: boolean | 'watershed' | 'components';
  minSize: number;
  tta?: boolean;
  format: 'png' | 'tif';
  backend: 'auto' | 'onnx' | 'webgpu' | 'tfjs';
  tile: number | 'auto';
  threads?: number;
  stream: 'auto' | 'always' | 'never';
}

function positiveInt(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer`);
  return n;
}

function nonNegativeInt(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a whole number >= 0`);
  return n;
}

/**
 * `unet-studio predict --model DIR|FILE.zip --images DIR|FILE --out DIR`: overlap-tile segmentation of
 * every image with one mask per input (same base name), optional probabilities and instances.
 */
export function registerPredict(program: Command): void {
  program.addCommand(
    new Command('predict')
      .description('segment images with a trained model (overlap-tile, any image size)')
      .requiredOption(
        '--model <path>',
        'model folder, a training run folder (train --out: its best model on validation), or a bioimage.io model package (.zip)',
      )
      .requiredOption('--images <path>', 'folder of images (png, jpg, tif) or one image file')
      .requiredOption('--out <dir>', 'output folder for the masks')
      .addOption(
        new Option('--probabilities [format]', 'also write probabilities (float32 tif or npy)').choices([
          'tif',
          'npy',
        ]),
      )
      .addOption(
        new Option(
          '--instances [method]',
          'also write 16-bit instance labels: watershed (default) splits touching objects, components does not',
        ).choices(['watershed', 'components']),
      )
      .option(
        '--min-size <px>',
        'with --instances: leave out objects smaller than this many pixels (noise specks); 0 keeps every object',
        (v) => nonNegativeInt(v, '--min-size'),
        0,
      )
      .option('--tta', 'test-time augmentation: average the 8 flips and rotations (8x slower)')
      .addOption(new Option('--format <format>', 'mask format').choices(['png', 'tif']).default('png'))
      .addOption(
        new Option('--backend <backend>', 'inference backend (webgpu: onnxruntime on the GPU, forced)')
          .choices(['auto', 'onnx', 'webgpu', 'tfjs'])
          .default('auto'),
      )
      .option(
        '--tile <px>',
        "input tile edge, or 'auto': per image the legal tile with the least work",
        (v) => (v === 'auto' ? 'auto' : positiveInt(v, '--tile')),
        'auto',
      )
      .addOption(
        new Option(
          '--stream <mode>',
          'read TIFFs region by region with bounded memory, writing a tiled BigTIFF mask and <name>_objects.csv (auto: TIFFs over 4096x4096 px)',
        )
          .choices(['auto', 'always', 'never'])
          .default('auto'),
      )
      .option('--threads <n>', 'onnxruntime threads (default: all cores)', (v) => positiveInt(v, '--threads'))
      .action(async (options: PredictOptions) => {
        await runPredict(options);
      }),
  );
}

async function runPredict(options: PredictOptions): Promise<void> {
  const info = await stat(options.images).catch(() => {
    throw new AppError('not_found', `--images: ${options.images} does not exist`);
  });
  const inputs = info.isDirectory() ? await listImages(options.images) : [options.images];
  if (inputs.length === 0) {
    throw new AppError('not_found', `--images: no images (png, jpg, tif) in ${options.images}`);
  }
  let bar: ReturnType<typeof createProgressBar> | undefined;
  const result = await predictFiles({
    model: options.model,
    inputs,
    outDir: options.out,
    probabilities: options.probabilities === true ? 'tif' : options.probabilities,
    instances: options.instances === true ? 'watershed' : (options.instances ?? false),
    minObjectArea: options.minSize,
    tta: options.tta === true,
    onModel: (model) => process.stdout.write(`model: ${model.description}\n`),
    format: options.format,
    backend: options.backend,
    tileSize: options.tile,
    threads: options.threads,
    stream: options.stream === 'auto' ? 'auto' : options.stream === 'always',
    onBackend: (backend, note) => {
      if (note) process.stdout.write(`note: ${note}\n`);
      process.stdout.write(`inference: ${backend}\n`);
      bar = createProgressBar(inputs.length, {
        format: 'predict [{bar}] {value}/{total} images | tile {tile}/{tiles} | {file}',
      });
    },
    onProgress: (p) =>
      bar?.update(p.image + (p.tiles > 0 && p.tile === p.tiles ? 1 : 0), {
        tile: p.tile,
        tiles: p.tiles,
        // A streamed image is first read once for its percentiles.
        file: p.rows ? `${p.file} (percentiles: row ${p.rowsRead}/${p.rows})` : p.file,
      }),
  }).finally(() => bar?.stop());
  for (const file of result.files) {
    const extras = [file.probabilities, file.instances, file.objects].filter(Boolean).join(', ');
    process.stdout.write(
      `${file.input} -> ${file.mask}${extras ? `, ${extras}` : ''} (${file.width}x${file.height}, ${file.tiles} tile(s) of ${file.tileSize}, ${file.seconds.toFixed(2)} s)\n`,
    );
    if (file.channelNote) process.stdout.write(`  note: ${file.channelNote}\n`);
  }
  process.stdout.write(`${result.files.length} image(s) segmented into ${options.out}\n`);
  // The threaded wasm backend's workers would keep the process alive.
  if (result.keepsProcessAlive) process.exit(0);
}
