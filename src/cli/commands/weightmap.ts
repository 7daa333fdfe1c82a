import { mkdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  AppError,
  computeWeightMap,
  listImages,
  maskFromImage,
  type RasterImage,
  readImage,
  writeNpy,
  writePng,
  writeTiff,
} from '../../engine/core';
import { createProgressBar } from '../progress';

interface WeightmapOptions {
  outDir: string;
  format: 'npy' | 'tif';
  w0: number;
  sigma: number;
  targets?: boolean;
}

function nonNegative(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${name} must be a number >= 0`);
  return n;
}

/** Expands folders to their images and checks that no two outputs would share a name. */
async function expandInputs(inputs: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const input of inputs) {
    const info = await stat(input).catch(() => {
      throw new AppError('not_found', `${input} does not exist`);
    });
    files.push(...(info.isDirectory() ? await listImages(input) : [input]));
  }
  const seen = new Map<string, string>();
  for (const file of files) {
    const base = basename(file, extname(file));
    const other = seen.get(base);
    if (other !== undefined) {
      throw new AppError('invalid_argument', `${other} and ${file} would both write ${base}.*; rename one`);
    }
    seen.set(base, file);
  }
  return files;
}

async function runWeightmap(inputs: string[], options: WeightmapOptions): Promise<void> {
  const files = await expandInputs(inputs);
  if (files.length === 0)
    throw new AppError('not_found', `no images (png, jpg, tif) in ${inputs.join(', ')}`);
  await mkdir(options.outDir, { recursive: true }).catch((error: unknown) => {
    throw new AppError('invalid_argument', `--out-dir ${options.outDir}: cannot create (${String(error)})`);
  });
  const bar = createProgressBar(files.length, { label: 'weightmap' });
  try {
    for (const [index, file] of files.entries()) {
      const image = await readImage(file);
      const { width, height } = image;
      // Binary masks -> 4-connected objects; 16-bit ids -> one object per id (see maskFromImage).
      const { instances } = maskFromImage(image);
      const start = performance.now();
      const { weights, targets } = computeWeightMap(instances, width, height, {
        w0: options.w0,
        sigma: options.sigma,
      });
      const ms = performance.now() - start;
      const base = join(options.outDir, basename(file, extname(file)));
      const raster: RasterImage = { width, height, channels: 1, bitDepth: 32, data: weights };
      if (options.format === 'npy') await writeNpy(`${base}.npy`, raster);
      else await writeTiff(`${base}.tif`, raster);
      if (options.targets) {
        const mask = Uint8Array.from(targets, (t) => (t === 0 ? 0 : 255));
        await writePng(`${base}_targets.png`, { width, height, channels: 1, bitDepth: 8, data: mask });
      }
      bar.update(index + 1);
      process.stdout.write(`${basename(file)}\t${width}x${height}\t${ms.toFixed(1)} ms\n`);
    }
  } finally {
    bar.stop();
  }
}

/**
 * `unet-studio weightmap INSTANCES... --out-dir DIR`: the U-Net weight map (eq. 2) of each
 * instance image (16-bit ids, or a binary mask split into 4-connected objects), written as
 * float32 .npy or .tif with the input's base name; `--targets` adds the separated 0/255 mask.
 */
export function registerWeightmap(program: Command): void {
  program.addCommand(
    new Command('weightmap')
      .description('compute U-Net weight maps (eq. 2) from instance label images or binary masks')
      .argument('<instances...>', 'instance label images (or binary masks, or folders of them)')
      .requiredOption('--out-dir <dir>', 'output folder')
      .addOption(new Option('--format <format>', 'weight map format').choices(['npy', 'tif']).default('npy'))
      .option('--w0 <w0>', 'border weight amplitude', (v) => nonNegative(v, '--w0'), 10)
      .option('--sigma <px>', 'border weight width in pixels', (v) => nonNegative(v, '--sigma'), 5)
      .option('--targets', 'also write the separated target mask (NAME_targets.png, 0/255)')
      .action(async (inputs: string[], options: WeightmapOptions) => {
        await runWeightmap(inputs, options);
      }),
  );
}
