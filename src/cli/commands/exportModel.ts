import { basename, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { parseAuthors } from '../../shared/dataImport';

interface ExportModelOptions {
  model: string;
  out: string;
  name?: string;
  authors: string;
  license: string;
  description?: string;
  sample?: string;
}

/** `--authors` as authors with optional affiliations; none at all is a usage error. */
function parseAuthorOption(value: string): { name: string; affiliation?: string }[] {
  const authors = parseAuthors(value);
  if (authors.length === 0) throw new InvalidArgumentError('give at least one author name');
  return authors;
}

/**
 * `unet-studio export-model --model DIR --out FILE.zip --authors "..." --license SPDX`: a
 * bioimage.io model package (rdf.yaml, ONNX weights, test tensors, cover, README) that
 * deepImageJ, ilastik and `unet-studio predict --model FILE.zip` run.
 */
export function registerExportModel(program: Command): void {
  program.addCommand(
    new Command('export-model')
      .description(
        'write a trained model as a bioimage.io model package (.zip) for deepImageJ, ilastik and others',
      )
      .requiredOption('--model <dir>', 'model folder (written by train)')
      .requiredOption('--out <file>', 'package to write (.zip)')
      .requiredOption('--authors <names>', 'authors separated by ";", each optionally with "(affiliation)"')
      .requiredOption('--license <spdx>', 'SPDX licence identifier, e.g. MIT, CC-BY-4.0')
      .option(
        '--name <name>',
        'model name, 5 to 128 letters, digits, spaces, _ - ( ) (default: from the folder)',
      )
      .option('--description <text>', 'one-paragraph description')
      .option('--sample <image>', 'an image whose centre becomes the test input (default: synthetic blobs)')
      .action(async (options: ExportModelOptions) => {
        // Loaded here: the engine (TF.js, onnxruntime) is only needed once the command runs.
        const { exportModelPackage } = await import('../../engine/index');
        const name =
          options.name ??
          `U-Net ${basename(resolve(options.model)).replace(/[^\w\-() ]+/g, ' ')}`.slice(0, 64);
        const result = await exportModelPackage(options.model, options.out, {
          name,
          authors: parseAuthorOption(options.authors),
          license: options.license,
          ...(options.description ? { description: options.description } : {}),
          ...(options.sample ? { sampleImage: options.sample } : {}),
        });
        process.stdout.write(
          `${result.path}: bioimage.io model package (format 0.5, ONNX opset ${result.opset})\n` +
            `  files: ${result.files.join(', ')}\n` +
            `  test input [${result.testInputShape.join(', ')}] -> output [${result.testOutputShape.join(', ')}]\n`,
        );
      }),
  );
}
