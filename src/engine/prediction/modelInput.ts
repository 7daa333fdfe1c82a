import { AppError } from '../../shared/errors';
import type { MultiChannelImage } from '../image/index';
import type { ModelInputChannel, Normalization } from '../model/types';
import { selectChannels } from '../project/readEntryImage';
import { applyNormalization, pixelsWithChannels, scaleOfBitDepth } from '../training/normalization';

/**
 * Network input of a decoded image, exactly as training prepares it (training/trainingData and
 * normalization): channels converted to the model's (`pixelsWithChannels`: the same count as
 * it is; alpha dropped, RGB -> gray as the channel mean, gray -> RGB by repeating; any other
 * mismatch -> 'incompatible_model' naming `name`), values divided by the image's own bit-depth
 * full scale (255, 65535; float images as they are), then the model's normalisation: per-image
 * percentiles per channel, or the training set's mean/std (older models). So a 16-bit image
 * meets an 8-bit-trained model on the same range. Returns float32 HWC.
 */
export function modelInput(
  img: MultiChannelImage,
  channels: number,
  norm: Normalization,
  name: string,
): Float32Array {
  if (norm.kind !== 'percentile' && (norm.mean.length !== channels || norm.std.length !== channels)) {
    throw new AppError(
      'incompatible_model',
      `the model's normalisation has ${norm.mean.length} channels but the network takes ${channels}`,
    );
  }
  return normalized(pixelsWithChannels(img, channels, name), img, channels, norm);
}

/**
 * The channels of `img` a model takes, in its order, when its metadata names them
 * (`ModelMetadata.inputChannels`); the image as it is when it does not. An image without one of
 * them -> 'incompatible_model' naming the image and the channel (with its name, if known).
 */
export function modelChannelsOf(
  img: MultiChannelImage,
  inputChannels: readonly ModelInputChannel[] | undefined,
  name: string,
): MultiChannelImage {
  if (inputChannels === undefined) return img;
  const missing = inputChannels.find((c) => c.index >= img.channels);
  if (missing !== undefined) {
    const which = inputChannels.map((c) => channelLabel(c)).join(', ');
    throw new AppError(
      'incompatible_model',
      `${name} has ${img.channels} channel${img.channels === 1 ? '' : 's'}, but the model takes ` +
        `channel ${channelLabel(missing)} (it was trained on channels ${which}).`,
    );
  }
  return selectChannels(
    img,
    inputChannels.map((c) => c.index),
    name,
  );
}

/** A channel as users count it (1-based), with its name when it has one: `2 ("membrane")`. */
function channelLabel(c: ModelInputChannel): string {
  return c.name ? `${c.index + 1} ("${c.name}")` : `${c.index + 1}`;
}

/**
 * How `modelInput` converts an image of `imageChannels` for a network of `modelChannels`, in
 * words for the user, or undefined when it takes the image as it is. Said wherever prediction
 * runs, so a gray image through an RGB model (or the reverse) is never silent.
 */
export function channelConversion(imageChannels: number, modelChannels: number): string | undefined {
  if (imageChannels === modelChannels) return undefined;
  if (modelChannels === 3 && imageChannels === 4) return 'alpha channel dropped (the model takes RGB)';
  if (modelChannels === 3 && imageChannels === 1)
    return '1-channel image repeated into the 3 (RGB) channels the model was trained on';
  if (modelChannels === 1 && (imageChannels === 3 || imageChannels === 4))
    return 'colour image averaged to the 1 (gray) channel the model was trained on';
  return undefined;
}

function normalized(
  data: Float32Array,
  img: MultiChannelImage,
  channels: number,
  norm: Normalization,
): Float32Array {
  if (norm.kind === 'percentile') {
    // Scaled first, as training does, so both apply the same arithmetic to the same values.
    const scale = scaleOfBitDepth(img.bitDepth);
    if (scale !== 1) for (let i = 0; i < data.length; i++) data[i] /= scale;
    return applyNormalization(data, channels, norm);
  }
  return applyNormalization(
    data,
    channels,
    img.bitDepth === 32 ? norm : { ...norm, scale: scaleOfBitDepth(img.bitDepth) },
  );
}
