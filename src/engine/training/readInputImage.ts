import { extname } from 'node:path';
import { AppError } from '../../shared/errors';
import { readNpy } from '../image/npy';
import { bitDepthOf, checkImageSize, type MultiChannelImage } from '../image/rasterImage';
import { readImage } from '../image/readImage';

/**
 * Reads an image a training process takes (a training image, or one to preview): one page of a
 * PNG, JPEG or TIFF file (`readImage`), or a .npy array of shape (height, width) or (height,
 * width, channels), uint8, uint16 or float32: how the app hands over a choice of channels that
 * no PNG holds (2, 5, ... channels of a stack). Errors name `path`.
 */
export async function readInputImage(path: string, page = 0): Promise<MultiChannelImage> {
  if (extname(path).toLowerCase() !== '.npy') return readImage(path, { page });
  const { shape, data } = await readNpy(path);
  if (shape.length !== 2 && shape.length !== 3) {
    throw new AppError(
      'unsupported_format',
      `${path}: an image array has shape (height, width) or (height, width, channels), not (${shape.join(', ')}).`,
    );
  }
  const [height, width, channels = 1] = shape;
  checkImageSize(width, height, path);
  if (channels < 1) throw new AppError('unsupported_format', `${path}: the array has no channels.`);
  return { width, height, channels, bitDepth: bitDepthOf(data), data };
}
