import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { fsError, writeFileAtomic } from '../fsutil/index';
import type { ModelMetadata, UNetConfig } from './types';
import { createUNet, type NamedWeights, type UNet } from './unet';

/** Format tag and version of model.json; a newer version is refused with a clear message. */
export const MODEL_FORMAT = 'unet-studio-weights';
export const MODEL_FORMAT_VERSION = 1;

const architectureSchema = z.object({
  depth: z.number().int().min(1).max(8),
  baseFilters: z.number().int().min(1),
  inputChannels: z.number().int().min(1),
  classes: z.number().int().min(1),
  dropout: z.number().min(0).max(1),
});

const modelJsonSchema = z.object({
  format: z.string(),
  version: z.number().int(),
  architecture: architectureSchema,
  weightsSha256: z.string(),
  weightsManifest: z
    .array(
      z.object({
        paths: z.array(z.string()),
        weights: z.array(
          z.object({
            name: z.string(),
            shape: z.array(z.number().int().min(0)),
            dtype: z.literal('float32'),
          }),
        ),
      }),
    )
    .length(1),
});

/** The two normalisation kinds a model's metadata may declare (see `Normalization`). */
export const normalizationSchema = z.union([
  z.object({
    kind: z.literal('percentile'),
    low: z.number().min(0).max(100),
    high: z.number().min(0).max(100),
    perChannel: z.boolean(),
    epsilon: z.number().min(0),
  }),
  // Older models have no `kind`: the global mean/std form.
  z.object({
    kind: z.literal('meanStd').optional(),
    scale: z.number(),
    mean: z.array(z.number()),
    std: z.array(z.number()),
  }),
]);

const metadataSchema = z.object({
  format: z.string(),
  version: z.number().int(),
  architecture: architectureSchema,
  tileSize: z.number().int().positive(),
  classes: z.array(z.object({ name: z.string(), color: z.string() })),
  normalization: normalizationSchema,
  inputChannels: z
    .array(z.object({ index: z.number().int().min(0), name: z.string().optional() }))
    .min(1)
    .optional(),
  objectBorders: z.boolean().optional(),
  provenance: z.looseObject({ createdAt: z.string() }),
  metrics: z.record(z.string(), z.number()).optional(),
});

/**
 * Writes a model folder: weights.bin (float32, TF.js weights-manifest layout), model.json
 * (manifest + architecture + SHA-256 of weights.bin) and metadata.json, each atomically, in
 * that order. A crash between the files leaves a weights.bin whose hash no longer matches
 * model.json, which loadModelFolder reports instead of loading mixed weights.
 */
export async function saveModelFolder(dir: string, unet: UNet, metadata: ModelMetadata): Promise<void> {
  const weights = await unet.readWeights();
  const tensors = [...weights].map(([name, w]) => ({ name, tensor: tf.tensor(w.data, w.shape, 'float32') }));
  let encoded: Awaited<ReturnType<typeof tf.io.encodeWeights>>;
  try {
    encoded = await tf.io.encodeWeights(tensors);
  } finally {
    tf.dispose(tensors.map((t) => t.tensor));
  }
  const bytes = new Uint8Array(encoded.data as ArrayBuffer);
  const modelJson = {
    format: MODEL_FORMAT,
    version: MODEL_FORMAT_VERSION,
    architecture: unet.config,
    weightsSha256: createHash('sha256').update(bytes).digest('hex'),
    weightsManifest: [{ paths: ['weights.bin'], weights: encoded.specs }],
  };
  await writeFileAtomic(join(dir, 'weights.bin'), bytes);
  await writeFileAtomic(join(dir, 'model.json'), `${JSON.stringify(modelJson, null, 2)}\n`);
  await writeFileAtomic(
    join(dir, 'metadata.json'),
    `${JSON.stringify({ ...metadata, architecture: unet.config }, null, 2)}\n`,
  );
}

/**
 * Loads a model folder written by saveModelFolder at `inputSize` (default: the metadata's
 * tile size). The caller disposes the returned UNet. AppErrors: 'not_found' (folder or a file
 * missing), 'corrupt_file' (unreadable JSON, truncated or mismatching weights.bin),
 * 'incompatible_model' (another format, a newer version, shapes not matching the architecture).
 */
export async function loadModelFolder(
  dir: string,
  inputSize?: number,
): Promise<{ unet: UNet; metadata: ModelMetadata }> {
  const modelJson = await readJson(dir, 'model.json', modelJsonSchema);
  checkFormat(dir, 'model.json', modelJson.format, modelJson.version, MODEL_FORMAT, MODEL_FORMAT_VERSION);
  const metadata = await readJson(dir, 'metadata.json', metadataSchema);
  checkFormat(dir, 'metadata.json', metadata.format, metadata.version, 'unet-studio-model', 1);
  if (!sameArchitecture(modelJson.architecture, metadata.architecture)) {
    throw new AppError(
      'corrupt_file',
      `${dir}: model.json and metadata.json describe different architectures`,
    );
  }
  if (
    metadata.inputChannels !== undefined &&
    metadata.inputChannels.length !== metadata.architecture.inputChannels
  ) {
    throw new AppError(
      'corrupt_file',
      `${dir}: metadata.json names ${metadata.inputChannels.length} input channel(s) for a network of ${metadata.architecture.inputChannels}`,
    );
  }
  if (metadata.objectBorders === true && metadata.architecture.classes !== 3) {
    throw new AppError(
      'corrupt_file',
      `${dir}: metadata.json says the model learned object borders, which needs 3 classes, not ${metadata.architecture.classes}`,
    );
  }
  const manifest = modelJson.weightsManifest[0]!;
  const weightsPath = join(dir, manifest.paths[0] ?? 'weights.bin');
  const bytes = await readFile(weightsPath).catch((error: unknown) => {
    throw fsError(error, weightsPath);
  });
  const expectedBytes = manifest.weights.reduce((sum, w) => sum + 4 * w.shape.reduce((a, b) => a * b, 1), 0);
  if (bytes.length !== expectedBytes) {
    throw new AppError(
      'corrupt_file',
      `${weightsPath} is ${bytes.length} bytes but model.json describes ${expectedBytes} (truncated or from another model)`,
    );
  }
  if (createHash('sha256').update(bytes).digest('hex') !== modelJson.weightsSha256) {
    throw new AppError(
      'corrupt_file',
      `${weightsPath} does not match model.json (damaged file or an interrupted save)`,
    );
  }
  const weights: NamedWeights = new Map();
  let offset = 0;
  for (const spec of manifest.weights) {
    const length = spec.shape.reduce((a, b) => a * b, 1);
    // Copy: the Buffer's memory may be shared and unaligned for a Float32Array view.
    const data = new Float32Array(
      bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + 4 * length),
    );
    weights.set(spec.name, { shape: spec.shape, data });
    offset += 4 * length;
  }
  const config: UNetConfig = modelJson.architecture;
  const unet = createUNet(config, inputSize ?? metadata.tileSize, 0);
  try {
    unet.setWeights(weights);
  } catch (error) {
    unet.dispose();
    if (error instanceof AppError) {
      throw new AppError('incompatible_model', `${dir}: ${error.message}`, error.detail);
    }
    throw error;
  }
  return { unet, metadata: metadata as ModelMetadata };
}

/**
 * Reads and checks a model folder's metadata.json alone (no weights): the model catalogue lists
 * models this way. AppErrors as loadModelFolder's.
 */
export async function readModelMetadata(dir: string): Promise<ModelMetadata> {
  const metadata = await readJson(dir, 'metadata.json', metadataSchema);
  checkFormat(dir, 'metadata.json', metadata.format, metadata.version, 'unet-studio-model', 1);
  return metadata as ModelMetadata;
}

async function readJson<T>(dir: string, name: string, schema: z.ZodType<T>): Promise<T> {
  const path = join(dir, name);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new AppError('not_found', `${dir} is not a model folder: ${name} is missing`);
    throw fsError(error, path);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new AppError('corrupt_file', `${path} is not valid JSON`, String(error));
  }
  const format = (value as { format?: unknown } | null)?.format;
  if (typeof format === 'string' && format !== MODEL_FORMAT && format !== 'unet-studio-model') {
    throw new AppError('incompatible_model', `${path}: not a U-Net Studio model (format '${format}')`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new AppError('corrupt_file', `${path} does not have the expected fields`, parsed.error.message);
  }
  return parsed.data;
}

function checkFormat(
  dir: string,
  file: string,
  format: string,
  version: number,
  want: string,
  maxVersion: number,
): void {
  if (format !== want) {
    throw new AppError('incompatible_model', `${join(dir, file)}: format '${format}', expected '${want}'`);
  }
  if (version > maxVersion) {
    throw new AppError(
      'incompatible_model',
      `${join(dir, file)} was written by a newer U-Net Studio (format version ${version}; this version reads up to ${maxVersion}). Update the app to open it.`,
    );
  }
}

function sameArchitecture(a: UNetConfig, b: UNetConfig): boolean {
  return (
    a.depth === b.depth &&
    a.baseFilters === b.baseFilters &&
    a.inputChannels === b.inputChannels &&
    a.classes === b.classes &&
    a.dropout === b.dropout
  );
}
