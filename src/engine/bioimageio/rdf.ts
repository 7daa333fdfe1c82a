import type { ClassInfo, ModelMetadata } from '../model/types';
import type { ProcessingStep } from './preprocessing';

/** The model format version written (bioimage.io spec, model 0.5). */
export const RDF_FORMAT_VERSION = '0.5.7';

/** Who made the model and under which licence: fields the user fills in. */
export interface PackageAuthor {
  name: string;
  affiliation?: string;
  email?: string;
  orcid?: string;
  github_user?: string;
}

export interface PackageInfo {
  /** 5 to 128 characters: letters, digits, spaces, '_', '-', '(', ')'. */
  name: string;
  description?: string;
  authors: PackageAuthor[];
  /** SPDX licence identifier, e.g. 'MIT', 'CC-BY-4.0'. */
  license: string;
  tags?: string[];
}

/** A packaged file and its SHA-256, as rdf.yaml lists it. */
export interface PackagedFile {
  source: string;
  sha256: string;
}

export interface RdfParts {
  info: PackageInfo;
  metadata: ModelMetadata;
  preprocessing: ProcessingStep[];
  /** Smallest legal input edge and the step between legal edges (2^depth). */
  inputSize: { min: number; step: number };
  /** Output edge = input edge + offset (negative: the valid convolutions' border). */
  outputOffset: number;
  opset: number;
  files: {
    weights: PackagedFile;
    testInput: PackagedFile;
    testOutput: PackagedFile;
    cover: string;
    readme: string;
  };
  timestamp: string;
}

/**
 * The rdf.yaml content (as a plain object) of a U-Net Studio model: one input 'input'
 * [batch, channel, y, x] of raw float32 pixel values with the training normalisation as
 * preprocessing; one output 'probabilities' [batch, class, y, x] (softmax inside the ONNX
 * graph), smaller than the input by the valid convolutions' border (`size.offset`, no halo to
 * crop); legal input sizes min + k * step. Our own settings travel under config.unet-studio.
 */
export function buildRdf(parts: RdfParts): Record<string, unknown> {
  const { info, metadata, files } = parts;
  const { architecture } = metadata;
  const channelNames = inputChannelNames(metadata);
  const spaceIn = (id: 'y' | 'x') => ({
    type: 'space',
    id,
    size: { min: parts.inputSize.min, step: parts.inputSize.step },
  });
  const spaceOut = (id: 'y' | 'x') => ({
    type: 'space',
    id,
    size: { tensor_id: 'input', axis_id: id, offset: parts.outputOffset },
  });
  return {
    format_version: RDF_FORMAT_VERSION,
    type: 'model',
    name: info.name,
    description:
      info.description ??
      `U-Net (${architecture.depth} levels, ${architecture.baseFilters} base filters) for ${
        metadata.objectBorders === true
          ? 'object segmentation with object borders (output: background, object interior, object border; foreground = interior + border)'
          : `${metadata.classes.length}-class segmentation`
      }, trained in U-Net Studio.`,
    authors: info.authors,
    cite: [
      {
        text: 'Ronneberger, O., Fischer, P., Brox, T. U-Net: Convolutional Networks for Biomedical Image Segmentation. MICCAI 2015.',
        doi: '10.1007/978-3-319-24574-4_28',
      },
    ],
    license: info.license,
    tags: info.tags ?? ['unet', 'segmentation', '2d', 'unet-studio', 'onnx'],
    documentation: files.readme,
    covers: [files.cover],
    timestamp: parts.timestamp,
    inputs: [
      {
        id: 'input',
        description: 'raw pixel values (the bit depth the model was trained on), channels first',
        axes: [
          { type: 'batch' },
          { type: 'channel', channel_names: channelNames },
          spaceIn('y'),
          spaceIn('x'),
        ],
        test_tensor: files.testInput,
        data: { type: 'float32' },
        preprocessing: parts.preprocessing,
      },
    ],
    outputs: [
      {
        id: 'probabilities',
        description: 'class probabilities (softmax over the class axis), centred on the input',
        axes: [
          { type: 'batch' },
          { type: 'channel', channel_names: metadata.classes.map(className) },
          spaceOut('y'),
          spaceOut('x'),
        ],
        test_tensor: files.testOutput,
        data: { type: 'float32', range: [0, 1] },
      },
    ],
    weights: {
      onnx: {
        ...files.weights,
        opset_version: parts.opset,
        authors: info.authors,
        comment: 'Exported by U-Net Studio from its TensorFlow.js weights.',
      },
    },
    config: {
      'unet-studio': {
        architecture,
        tileSize: metadata.tileSize,
        classes: metadata.classes,
        normalization: metadata.normalization,
        ...(metadata.inputChannels ? { inputChannels: metadata.inputChannels } : {}),
        ...(metadata.objectBorders === true ? { objectBorders: true } : {}),
        provenance: metadata.provenance,
        ...(metadata.metrics ? { metrics: metadata.metrics } : {}),
      },
    },
  };
}

/**
 * Names of the input's channel axis: for a model trained on chosen channels, each source
 * channel's name as an identifier (`channel<k>`, the 0-based source index, where the image
 * named none; made unique); otherwise 'intensity' (gray), 'red', 'green', 'blue' (RGB) or
 * `channel<k>`.
 */
export function inputChannelNames(metadata: ModelMetadata): string[] {
  const { inputChannels } = metadata.architecture;
  if (metadata.inputChannels !== undefined) {
    const names: string[] = [];
    for (const c of metadata.inputChannels) {
      let name = identifier(c.name ?? '') || `channel${c.index}`;
      if (names.includes(name)) name = `${name}_${c.index}`;
      names.push(name);
    }
    return names;
  }
  if (inputChannels === 1) return ['intensity'];
  if (inputChannels === 3) return ['red', 'green', 'blue'];
  return Array.from({ length: inputChannels }, (_, c) => `channel${c}`);
}

/** A class name as a channel identifier: letters, digits and '_' only (never empty). */
export function className(info: ClassInfo, index: number): string {
  return identifier(info.name) || `class${index}`;
}

/** Text as an identifier: runs of other characters become '_', none at either end ('' if nothing is left). */
function identifier(text: string): string {
  return text
    .trim()
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
}
