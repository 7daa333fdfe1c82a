import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { parse } from 'yaml';
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { fsError } from '../fsutil/index';
import { normalizationSchema } from '../model/modelFolder';
import type { ClassInfo, ModelInputChannel, Normalization } from '../model/types';
import type { ProcessingStep } from './preprocessing';

/** What the predictors need of a bioimage.io model package (2D, one input, one output, ONNX). */
export interface ModelPackage {
  /** The zip or folder it was read from. */
  source: string;
  name: string;
  formatVersion: string;
  /** The ONNX model bytes (weights.onnx). */
  onnx: Uint8Array;
  opset?: number;
  inputName: string;
  outputName: string;
  /** Axis ids in tensor order: 'batch', 'channel', 'y', 'x' (batch and channel optional). */
  inputAxes: AxisName[];
  outputAxes: AxisName[];
  /** Input channels and their names. */
  channels: number;
  channelNames: string[];
  /** Legal input edges: min + k * step (step 0: only min). */
  inputSize: { min: number; step: number };
  /** Output edge = input edge + offset, before the halo is cropped. */
  outputOffset: number;
  /** Pixels to crop from each side of the output (the model's unreliable border). */
  halo: number;
  /** Output classes as the predictor reports them (one probability channel: 2 classes). */
  classes: ClassInfo[];
  /** Raw output channels. */
  outputChannels: number;
  preprocessing: ProcessingStep[];
  postprocessing: ProcessingStep[];
  /** The output holds probabilities (after postprocessing, or declared range 0..1). */
  outputIsProbability: boolean;
  /** Settings of a U-Net Studio export (training tile, normalisation), when present. */
  unetStudio?: {
    tileSize: number;
    normalization: Normalization;
    architecture: { depth: number };
    /** The source channels the input's channels are (a model trained on chosen channels). */
    inputChannels?: ModelInputChannel[];
    /**
     * The network outputs background, object interior and object border (ModelMetadata.objectBorders):
     * U-Net Studio predicts with it as with a 2-class model whose foreground is interior + border.
     */
    objectBorders?: boolean;
  };
}

export type AxisName = 'batch' | 'channel' | 'y' | 'x';

const fileRef = z.object({ source: z.string(), sha256: z.string().nullish() });
const axis = z.looseObject({
  type: z.string(),
  id: z.string().optional(),
  size: z.unknown().optional(),
  halo: z.number().int().min(0).optional(),
  channel_names: z.array(z.string()).optional(),
});
const step = z.looseObject({ id: z.string(), kwargs: z.record(z.string(), z.unknown()).optional() });
const tensor = z.looseObject({
  id: z.string().optional(),
  axes: z.array(axis).min(1),
  data: z.unknown().optional(),
  preprocessing: z.array(step).optional(),
  postprocessing: z.array(step).optional(),
});
const rdfSchema = z.looseObject({
  format_version: z.string(),
  type: z.string(),
  name: z.string(),
  inputs: z.array(tensor).min(1),
  outputs: z.array(tensor).min(1),
  weights: z.record(z.string(), z.unknown()),
  config: z.record(z.string(), z.unknown()).optional(),
});
const onnxWeights = fileRef.extend({
  opset_version: z.number().int().optional(),
  external_data: z.unknown().optional(),
});
const unetStudioConfig = z.looseObject({
  tileSize: z.number().int().positive(),
  classes: z.array(z.object({ name: z.string(), color: z.string() })),
  normalization: normalizationSchema,
  architecture: z.looseObject({ depth: z.number().int() }),
  inputChannels: z
    .array(z.object({ index: z.number().int().min(0), name: z.string().optional() }))
    .min(1)
    .optional(),
  objectBorders: z.boolean().optional(),
});

/** Colours given to classes of a package that names none (background black). */
const PALETTE = ['#000000', '#ff0000', '#00ff00', '#0000ff', '#ffff00', '#ff00ff', '#00ffff'];

/**
 * Opens a bioimage.io model package, zipped or as a folder (rdf.yaml or *.bioimageio.yaml):
 * format 0.5, ONNX weights, one 2D input and one output. AppErrors naming the package:
 * 'not_found', 'corrupt_file' (not a zip, YAML that does not parse, a listed file missing or
 * with another SHA-256), 'incompatible_model' (another format version, no ONNX weights, not a
 * 2D single-input single-output model, steps this app does not implement).
 */
export async function openModelPackage(path: string): Promise<ModelPackage> {
  const files = await packageFiles(path);
  const rdfName =
    [...files.keys()].find((n) => n === 'rdf.yaml' || n === 'bioimageio.yaml') ??
    [...files.keys()].find((n) => n.endsWith('.bioimageio.yaml'));
  if (!rdfName)
    throw new AppError('corrupt_file', `${path}: no rdf.yaml in the package (not a bioimage.io model)`);
  let value: unknown;
  try {
    value = parse(new TextDecoder().decode(files.get(rdfName)));
  } catch (error) {
    throw new AppError('corrupt_file', `${path}: ${rdfName} is not valid YAML`, String(error));
  }
  const parsed = rdfSchema.safeParse(value);
  if (!parsed.success) {
    throw new AppError(
      'corrupt_file',
      `${path}: ${rdfName} lacks the fields of a model description`,
      parsed.error.message,
    );
  }
  const rdf = parsed.data;
  const incompatible = (why: string) => new AppError('incompatible_model', `${path}: ${why}`);
  if (rdf.type !== 'model') throw incompatible(`a bioimage.io '${rdf.type}', not a model`);
  if (!rdf.format_version.startsWith('0.5.')) {
    throw incompatible(
      `model format ${rdf.format_version}; this app reads format 0.5 (convert older packages with bioimageio.spec)`,
    );
  }
  if (!rdf.weights.onnx) {
    throw incompatible(
      `no ONNX weights (the package has ${Object.keys(rdf.weights).join(', ') || 'none'}); only ONNX runs here`,
    );
  }
  if (rdf.inputs.length !== 1 || rdf.outputs.length !== 1) {
    throw incompatible(
      `${rdf.inputs.length} inputs and ${rdf.outputs.length} outputs; a 2D model with one of each is needed`,
    );
  }
  const weights = onnxWeights.safeParse(rdf.weights.onnx);
  if (!weights.success)
    throw new AppError(
      'corrupt_file',
      `${path}: weights.onnx is not described properly`,
      weights.error.message,
    );
  if (weights.data.external_data)
    throw incompatible('ONNX weights with external data files are not supported');
  const onnx = packagedFile(files, weights.data, path);
  const [input] = rdf.inputs;
  const [output] = rdf.outputs;
  const inputAxes = axisNames(input.axes, path, 'input');
  const outputAxes = axisNames(output.axes, path, 'output');
  const inputChannelAxis = input.axes.find((a) => a.type === 'channel');
  const channelNames = inputChannelAxis?.channel_names ?? ['intensity'];
  const outputChannelAxis = output.axes.find((a) => a.type === 'channel');
  const outputChannels = outputChannelAxis?.channel_names?.length ?? 1;
  const inputSize = legalSizes(input.axes, path);
  const { offset, halo } = outputGeometry(output.axes, input.id ?? 'input', path);
  const postprocessing = steps(output.postprocessing, path);
  const range = (output.data as { range?: unknown[] } | undefined)?.range;
  const outputIsProbability =
    postprocessing.some((s) => s.id === 'sigmoid' || s.id === 'softmax') ||
    (range?.[0] === 0 && range?.[1] === 1);
  const studio = unetStudioConfig.safeParse(rdf.config?.['unet-studio']);
  const names = outputChannelAxis?.channel_names ?? ['foreground'];
  const classes: ClassInfo[] = studio.success
    ? studio.data.classes
    : outputChannels === 1
      ? [
          { name: 'background', color: PALETTE[0] },
          { name: names[0], color: PALETTE[1] },
        ]
      : names.map((name, i) => ({ name, color: PALETTE[i % PALETTE.length] }));
  return {
    source: path,
    name: rdf.name,
    formatVersion: rdf.format_version,
    onnx,
    ...(weights.data.opset_version ? { opset: weights.data.opset_version } : {}),
    inputName: input.id ?? 'input',
    outputName: output.id ?? 'output',
    inputAxes,
    outputAxes,
    channels: channelNames.length,
    channelNames,
    inputSize,
    outputOffset: offset,
    halo,
    classes,
    outputChannels,
    preprocessing: steps(input.preprocessing, path),
    postprocessing,
    outputIsProbability,
    ...(studio.success ? { unetStudio: studio.data } : {}),
  };
}

/** The files of a zip or a folder, by name. */
async function packageFiles(path: string): Promise<Map<string, Uint8Array>> {
  const info = await stat(path).catch((error: unknown) => {
    throw fsError(error, path);
  });
  if (info.isDirectory()) {
    const names = (await readdir(path, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
    return new Map(
      await Promise.all(names.map(async (n) => [n, new Uint8Array(await readFile(join(path, n)))] as const)),
    );
  }
  try {
    return new Map(Object.entries(unzipSync(new Uint8Array(await readFile(path)))));
  } catch (error) {
    throw new AppError(
      'corrupt_file',
      `${path}: not a zip archive (a bioimage.io package is one)`,
      String(error),
    );
  }
}

function packagedFile(
  files: Map<string, Uint8Array>,
  ref: z.infer<typeof fileRef>,
  path: string,
): Uint8Array {
  const bytes = files.get(ref.source.replace(/^\.\//, ''));
  if (!bytes) throw new AppError('corrupt_file', `${path}: ${ref.source} is listed but not in the package`);
  if (ref.sha256 && createHash('sha256').update(bytes).digest('hex') !== ref.sha256) {
    throw new AppError(
      'corrupt_file',
      `${path}: ${ref.source} does not match its SHA-256 in rdf.yaml (damaged package)`,
    );
  }
  return bytes;
}

function axisNames(axes: z.infer<typeof axis>[], path: string, what: string): AxisName[] {
  const names = axes.map((a): AxisName | undefined => {
    if (a.type === 'batch' || a.type === 'channel') return a.type;
    if (a.type === 'space' && (a.id === 'x' || a.id === 'y' || a.id === undefined)) return a.id ?? 'x';
    return undefined;
  });
  if (
    names.includes(undefined) ||
    !names.includes('x') ||
    !names.includes('y') ||
    new Set(names).size !== names.length
  ) {
    const listed = axes.map((a) => a.id ?? a.type).join(', ');
    throw new AppError(
      'incompatible_model',
      `${path}: the ${what} axes [${listed}] are not a 2D image (batch, channel, y, x)`,
    );
  }
  return names as AxisName[];
}

/** Legal input edges from the x and y sizes: fixed, or min + k * step (both axes alike). */
function legalSizes(axes: z.infer<typeof axis>[], path: string): { min: number; step: number } {
  const sizes = axes.filter((a) => a.type === 'space').map((a) => a.size);
  const parsed = sizes.map((size) => {
    if (typeof size === 'number' && Number.isInteger(size) && size > 0) return { min: size, step: 0 };
    const p = z.object({ min: z.number().int().positive(), step: z.number().int().min(0) }).safeParse(size);
    if (p.success) return p.data;
    throw new AppError(
      'incompatible_model',
      `${path}: input size ${JSON.stringify(size)} is neither fixed nor min/step`,
    );
  });
  const [a, b] = parsed;
  if (a.min !== b.min || a.step !== b.step) {
    throw new AppError(
      'incompatible_model',
      `${path}: x and y take different sizes; square tiles are needed`,
    );
  }
  return a;
}

/** Output size offset relative to the input and the halo to crop (x and y alike). */
function outputGeometry(
  axes: z.infer<typeof axis>[],
  inputId: string,
  path: string,
): { offset: number; halo: number } {
  const space = axes.filter((a) => a.type === 'space');
  const geometry = space.map((a) => {
    const ref = z
      .object({ tensor_id: z.string(), axis_id: z.string(), offset: z.number().int().optional() })
      .safeParse(a.size);
    if (!ref.success || ref.data.tensor_id !== inputId) {
      throw new AppError(
        'incompatible_model',
        `${path}: the output size must refer to the input's (got ${JSON.stringify(a.size)})`,
      );
    }
    return { offset: ref.data.offset ?? 0, halo: a.halo ?? 0 };
  });
  if (geometry[0].offset !== geometry[1].offset || geometry[0].halo !== geometry[1].halo) {
    throw new AppError('incompatible_model', `${path}: x and y have different output borders`);
  }
  return geometry[0];
}

const SUPPORTED_STEPS = new Set([
  'ensure_dtype',
  'fixed_zero_mean_unit_variance',
  'zero_mean_unit_variance',
  'scale_range',
  'scale_linear',
  'clip',
  'sigmoid',
  'softmax',
]);

function steps(list: z.infer<typeof step>[] | undefined, path: string): ProcessingStep[] {
  for (const s of list ?? []) {
    if (!SUPPORTED_STEPS.has(s.id))
      throw new AppError('incompatible_model', `${path}: processing step '${s.id}' is not supported`);
    const kwargs = (s.kwargs ?? {}) as { reference_tensor?: unknown };
    if (kwargs.reference_tensor)
      throw new AppError('incompatible_model', `${path}: '${s.id}' with a reference tensor is not supported`);
  }
  return (list ?? []) as ProcessingStep[];
}
