import type { ModelMetadata } from '../model/types';
import type { PackageInfo } from './rdf';

/** The package README.md: what the model does, what it expects, where it came from. */
export function packageReadme(
  info: PackageInfo,
  metadata: ModelMetadata,
  inputSize: { min: number; step: number },
  outputOffset: number,
): string {
  const { architecture, normalization, provenance } = metadata;
  const classes = metadata.classes.map((c, i) => `| ${i} | ${c.name} | ${c.color} |`).join('\n');
  const metrics = Object.entries(metadata.metrics ?? {})
    .map(([k, v]) => `- ${k}: ${Number.isInteger(v) ? v : v.toFixed(4)}`)
    .join('\n');
  const bits =
    normalization.scale === 255
      ? '8-bit (0-255)'
      : normalization.scale === 65535
        ? '16-bit (0-65535)'
        : `0-${normalization.scale}`;
  return `# ${info.name}

${info.description ?? 'A U-Net for semantic segmentation of microscopy images, trained in U-Net Studio.'}

Authors: ${info.authors.map((a) => a.name).join(', ')}. Licence: ${info.license}.

## Model

The U-Net of Ronneberger, Fischer and Brox (MICCAI 2015) with valid (unpadded) convolutions:
${architecture.depth} pooling levels, ${architecture.baseFilters} filters in the first level,
${architecture.inputChannels} input channel(s), ${architecture.classes} output classes. Weights: ONNX.

- Input \`input\`: float32 [batch, channel, y, x], raw pixel values of ${bits} images.
  Legal edges are ${inputSize.min} + k * ${inputSize.step} pixels (trained at ${metadata.tileSize}).
- Preprocessing (in rdf.yaml): the training normalisation, x' = (x - mean) / std per channel.
- Output \`probabilities\`: float32 [batch, class, y, x], softmax over the classes, ${-outputOffset} pixels
  smaller than the input (${-outputOffset / 2} on each side): the centre of the input tile. To segment a
  large image, tile it with an overlap of ${-outputOffset} pixels and mirror-pad its border by
  ${-outputOffset / 2} pixels (the paper's overlap-tile strategy).

| class | name | colour |
| --- | --- | --- |
${classes}

## Training

Created ${provenance.createdAt}${provenance.preset ? `, preset ${provenance.preset}` : ''}${provenance.steps ? `, ${provenance.steps} steps` : ''}${provenance.backend ? `, backend ${provenance.backend}` : ''}.
${metrics ? `\nValidation metrics:\n${metrics}\n` : ''}
## Use

deepImageJ and ilastik run the ONNX weights; U-Net Studio opens this package to predict
(\`unet-studio predict --model this.zip\`). The test tensors (test_input.npy, test_output.npy)
were made by the exported ONNX model itself.
`;
}
