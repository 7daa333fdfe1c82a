import { AppError } from '../../shared/errors';
import type { RasterImage } from '../image/index';
import type { Normalization } from '../model/types';
import { applyNormalization, pixelsWithChannels, scaleOfBitDepth } from '../training/normalization';

/**
 * Network input of a decoded image, exactly as training prepares it (training/normalization):
 * channels converted to the model's (alpha dropped; RGB -> gray as the channel mean, gray -> RGB
 * by repeating), then x' = (x / scale - mean[c]) / std[c]. `scale` is the image's own bit-depth
 * full scale (255, 65535), so a 16-bit image meets an 8-bit-trained model on the same 0..1
 * range; float images use the model's stored scale. Returns float32 HWC.
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
    const data = Float32Array.from(img.data);
    return applyNormalization(data, channels, withScale(norm, img));
  }
  if (norm.mean.length !== channels || norm.std.length !== channels) {
    throw new AppError(
      'incompatible_model',
      `the model's normalisation has ${norm.mean.length} channels but the network takes ${channels}`,
    );
  }
  return applyNormalization(pixelsWithChannels(img, channels), channels, withScale(norm, img));
}

function withScale(norm: Normalization, img: RasterImage): Normalization {
  return img.bitDepth === 32 ? norm : { ...norm, scale: scaleOfBitDepth(img.bitDepth) };
}
