import { createHash } from 'node:crypto';
import { zipSync } from 'fflate';
import { stringify } from 'yaml';
import { AppError } from '../../shared/errors';
import { writeFileAtomic } from '../fsutil/index';
import { encodeNpy, readImage, readMicroscopyImage } from '../image/index';
import { loadModelFolder, smallestLegalInputSize, unetOutputSize } from '../model/index';
import type { ModelInputChannel, ModelMetadata } from '../model/types';
import { buildOnnxModel, OnnxPredictor, withReadWeights } from '../onnx/index';
import { mirrorPad } from '../prediction/mirrorPad';
import { modelChannelsOf } from '../prediction/modelInput';
import { pixelsWithChannels } from '../training/normalization';
import { coverPng } from './cover';
import { chwToHwc, hwcToChw, keepOnlyOutput } from './layout';
import { applyProcessing, preprocessingFor } from './preprocessing';
import { buildRdf, type PackageInfo } from './rdf';
import { packageReadme } from './readme';

/** ONNX opset of the packaged weights (the exporter's default domain version). */
const OPSET = 13;

export interface ExportPackageOptions extends PackageInfo {
  /** An image whose centre becomes the test input (default: a synthetic image of blobs). */
  sampleImage?: string;
}

export interface ExportPackageResult {
  path: string;
  /** Files in the zip, rdf.yaml first. */
  files: string[];
  /** Test input [1, channels, size, size] and output [1, classes, outSize, outSize]. */
  testInputShape: number[];
  testOutputShape: number[];
  opset: number;
}

/**
 * Writes a model folder as a bioimage.io model package (format 0.5): rdf.yaml, ONNX weights
 * with a softmax output, test_input.npy / test_output.npy made by running those weights in
 * onnxruntime on a tile of the training size (preprocessed exactly as rdf.yaml says),
 * cover.png and README.md, zipped atomically to `outPath`. AppErrors: 'invalid_argument'
 * (name, authors, licence), the model folder's own errors, 'incompatible_model' (a
 * normalisation with no bioimage.io equivalent), 'backend_unavailable' (no onnxruntime).
 */
export async function exportModelPackage(
  modelDir: string,
  outPath: string,
  options: ExportPackageOptions,
): Promise<ExportPackageResult> {
  checkInfo(options);
  const { unet, metadata } = await loadModelFolder(modelDir);
  let onnx: Uint8Array;
  try {
    // readWeights: the process's TF.js backend may be WebGPU, which has no synchronous read.
    onnx = keepOnlyOutput(
      buildOnnxModel(await withReadWeights(unet), { softmax: true, opset: OPSET }),
      'probabilities',
    );
  } finally {
    unet.dispose();
  }
  const { depth, inputChannels: channels } = metadata.architecture;
  const size = metadata.tileSize;
  const outSize = unetOutputSize(size, depth) as number;
  const inputSize = { min: smallestLegalInputSize(depth), step: 2 ** depth };
  const preprocessing = preprocessingFor(metadata.normalization, channels);

  const raw = options.sampleImage
    ? await sampleTile(options.sampleImage, size, channels, metadata.inputChannels)
    : syntheticTile(size, channels, metadata);
  const normalised = applyProcessing(preprocessing, Float32Array.from(raw), channels);
  const session = await OnnxPredictor.create(onnx, { output: 'probabilities', executionProviders: ['cpu'] });
  let output: { data: Float32Array; dims: number[] };
  try {
    output = await session.runTensor(hwcToChw(normalised, size * size, channels), [1, channels, size, size]);
  } finally {
    await session.dispose();
  }
  const classes = metadata.classes.length;
  const probabilities = chwToHwc(output.data, outSize * outSize, classes);
  const argmax = new Uint8Array(outSize * outSize);
  for (let p = 0; p < argmax.length; p++) {
    let best = 0;
    for (let c = 1; c < classes; c++)
      if (probabilities[p * classes + c] > probabilities[p * classes + best]) best = c;
    argmax[p] = best;
  }

  const testInputShape = [1, channels, size, size];
  const testOutputShape = [1, classes, outSize, outSize];
  const contents: Record<string, Uint8Array> = {
    'weights.onnx': onnx,
    'test_input.npy': encodeNpy({
      shape: testInputShape,
      data: hwcToChw(Float32Array.from(raw), size * size, channels),
    }),
    'test_output.npy': encodeNpy({ shape: testOutputShape, data: output.data }),
    'cover.png': coverPng(firstChannel(raw, channels), size, argmax, outSize, metadata.classes),
    'README.md': new TextEncoder().encode(packageReadme(options, metadata, inputSize, outSize - size)),
  };
  const file = (source: string) => ({ source, sha256: sha256(contents[source]) });
  const rdf = buildRdf({
    info: options,
    metadata,
    preprocessing,
    inputSize,
    outputOffset: outSize - size,
    opset: OPSET,
    files: {
      weights: file('weights.onnx'),
      testInput: file('test_input.npy'),
      testOutput: file('test_output.npy'),
      cover: 'cover.png',
      readme: 'README.md',
    },
    timestamp: new Date().toISOString(),
  });
  const files = {
    'rdf.yaml': new TextEncoder().encode(stringify(rdf, { lineWidth: 0, aliasDuplicateObjects: false })),
    ...contents,
  };
  await writeFileAtomic(outPath, zipSync(files, { level: 6 }));
  return { path: outPath, files: Object.keys(files), testInputShape, testOutputShape, opset: OPSET };
}

function checkInfo(info: PackageInfo): void {
  const bad = (why: string) => new AppError('invalid_argument', `model package: ${why}`);
  if (!/^[\w\-() ]{5,128}$/.test(info.name)) {
    throw bad(`name "${info.name}" must be 5 to 128 letters, digits, spaces, '_', '-', '(' or ')'`);
  }
  if (info.authors.length === 0 || info.authors.some((a) => a.name.trim() === '')) {
    throw bad('at least one author with a name is needed (--authors "Jane Doe; John Roe")');
  }
  if (!/^[A-Za-z0-9.+-]+$/.test(info.license)) {
    throw bad(`licence "${info.license}" is not an SPDX identifier (e.g. MIT, CC-BY-4.0, BSD-3-Clause)`);
  }
}

/**
 * Raw pixels (float32 HWC, the model's channels) of the centre size x size of an image: of a
 * model trained on chosen channels, those channels of the image's first (z, t) plane.
 */
async function sampleTile(
  path: string,
  size: number,
  channels: number,
  inputChannels: ModelInputChannel[] | undefined,
): Promise<Float32Array> {
  const img =
    inputChannels === undefined
      ? await readImage(path)
      : modelChannelsOf((await readMicroscopyImage(path)).image, inputChannels, path);
  const pixels = pixelsWithChannels(img, channels, path);
  // Mirror-pad a small image up to the tile, then take the centre.
  const padX = Math.max(0, size - img.width);
  const padY = Math.max(0, size - img.height);
  const padded = mirrorPad(pixels, img.width, img.height, channels, {
    left: Math.floor(padX / 2),
    right: Math.ceil(padX / 2),
    top: Math.floor(padY / 2),
    bottom: Math.ceil(padY / 2),
  });
  const x0 = Math.floor((padded.width - size) / 2);
  const y0 = Math.floor((padded.height - size) / 2);
  const out = new Float32Array(size * size * channels);
  for (let y = 0; y < size; y++) {
    const from = ((y0 + y) * padded.width + x0) * channels;
    out.set(padded.data.subarray(from, from + size * channels), y * size * channels);
  }
  return out;
}

/** Bright round blobs on a dim background in the training value range: a cell-like test tile. */
function syntheticTile(size: number, channels: number, metadata: ModelMetadata): Float32Array {
  // Percentile-normalised models take any range: 8-bit-like values stand for one.
  const norm = metadata.normalization;
  const scale = norm.kind === 'percentile' ? 255 : norm.scale;
  const out = new Float32Array(size * size * channels);
  const spacing = Math.max(24, Math.round(size / 6));
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const dx = (x % spacing) - spacing / 2;
      const dy = (y % spacing) - spacing / 2;
      const inside = Math.hypot(dx, dy) < spacing * 0.35;
      // Whole numbers: the values an integer image of the training bit depth would hold.
      const v = Math.round((inside ? 0.75 : 0.2) * scale + ((x * 7 + y * 13) % 17) * 0.002 * scale);
      for (let c = 0; c < channels; c++) out[(y * size + x) * channels + c] = v;
    }
  }
  return out;
}

function firstChannel(hwc: Float32Array, channels: number): Float32Array {
  const out = new Float32Array(hwc.length / channels);
  for (let i = 0; i < out.length; i++) out[i] = hwc[i * channels];
  return out;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
