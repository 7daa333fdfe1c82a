import { AppError } from '../../shared/errors';
import type { RasterImage } from '../image/index';
import type { Normalization } from '../model/types';
import { applyNormalization, pixelsWithChannels, scaleOfBitDepth } from '../training/normalization';

/**
 * Network input of a decoded image, exactly as training prepares it (training/trainingData and
 * normalization): channels converted to the model's (alpha dropped; RGB -> gray as the channel
 * mean, gray -> RGB by repeating), values divided by the image's own bit-depth full scale (255,
 * 65535; float images as they are), then the model's normalisation: per-image percentiles, or the
 * training set's mean/std (older models). So a 16-bit image meets an 8-bit-trained model on the
 * same range. Returns float32 HWC.
 */
export function modelInput(
  img: RasterImage,
  channels: number,
  norm: Normalization,
  name: string,
): Float32Array {
  if (channels !== 1 && channels !== 3) {
    if (img.channels !== channels) {
      throw new AppError(
        'incompatible_model',
        `${name} has ${img.channels} channels; the model expects ${channels} and cannot convert`,
      );
    }
    return normalized(Float32Array.from(img.data), img, channels, norm);
  }
  if (norm.kind !== 'percentile' && (norm.mean.length !== channels || norm.std.length !== channels)) {
    throw new AppError(
      'incompatible_model',
      `the model's normalisation has ${norm.mean.length} channels but the network takes ${channels}`,
    );
  }
  return normalized(pixelsWithChannels(img, channels), img, channels, norm);
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
  img: RasterImage,
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
