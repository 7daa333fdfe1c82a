import { AppError } from '../../shared/errors';
import { MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE } from '../../shared/imageData';

/** Pixel samples of one image: 8-bit, 16-bit or 32-bit float. */
export type PixelData = Uint8Array | Uint16Array | Float32Array;

/**
 * A decoded image. Row-major, channels interleaved (HWC): sample (y, x, c) sits at
 * `data[(y * width + x) * channels + c]`. `bitDepth` 32 means float32 samples.
 */
export interface RasterImage {
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  bitDepth: 8 | 16 | 32;
  data: PixelData;
}

/**
 * A decoded image with any number of channels (microscopy stacks have 2, 5, ...), laid out
 * like RasterImage: sample (y, x, c) at `data[(y * width + x) * channels + c]`.
 */
export interface MultiChannelImage {
  width: number;
  height: number;
  channels: number;
  bitDepth: 8 | 16 | 32;
  data: PixelData;
}

/** What `imageInfo` reports without decoding the pixels. */
export interface ImageInfo {
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  bitDepth: 8 | 16 | 32;
  pages: number;
}

/** Largest accepted side and pixel count: one limit for the decoders and the API's checks. */
export { MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE };

/**
 * Rejects zero-size and huge images before any pixel buffer is allocated.
 * `name` is the file (or argument) named in the error.
 */
export function checkImageSize(width: number, height: number, name: string): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new AppError('corrupt_file', `${name}: the image has no pixels (${width}x${height}).`);
  }
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE || width * height > MAX_IMAGE_PIXELS) {
    throw new AppError(
      'too_large',
      `${name}: ${width}x${height} pixels is too large; the limit is ${MAX_IMAGE_SIDE} pixels a side ` +
        `and ${MAX_IMAGE_PIXELS} pixels in all.`,
    );
  }
}

/** The typed-array kind that holds samples of a bit depth. */
export function bitDepthOf(data: PixelData): 8 | 16 | 32 {
  if (data instanceof Uint8Array) return 8;
  if (data instanceof Uint16Array) return 16;
  return 32;
}

/**
 * Checks that a decoder produced every sample it promised. A short buffer means the file ended
 * early; padding it would hand the caller a silently black image.
 */
export function checkSampleCount(img: RasterImage, name: string): RasterImage {
  const expected = img.width * img.height * img.channels;
  if (img.data.length < expected) {
    throw new AppError(
      'corrupt_file',
      `${name}: the file is truncated or corrupt (${img.data.length} of ${expected} samples decoded).`,
    );
  }
  if (img.data.length > expected) return { ...img, data: img.data.subarray(0, expected) };
  return img;
}

/**
 * Checks that an image handed to a writer is consistent (positive integer size, 1/3/4
 * channels, a typed array of the stated depth holding width*height*channels samples).
 */
export function assertRaster(img: RasterImage, name: string): void {
  assertImageSamples(img, name, [1, 3, 4], 'images have 1, 3 or 4');
}

/**
 * `assertRaster` for any channel count in `allowed`; `rule` says which in the error
 * (e.g. 'a TIFF is written with 1 to 4').
 */
export function assertImageSamples(
  img: MultiChannelImage,
  name: string,
  allowed: readonly number[],
  rule: string,
): void {
  const { width, height, channels, bitDepth, data } = img;
  checkImageSize(width, height, name);
  if (!allowed.includes(channels)) {
    throw new AppError('invalid_argument', `${name}: ${channels} channels; ${rule}.`);
  }
  if (bitDepthOf(data) !== bitDepth) {
    throw new AppError(
      'invalid_argument',
      `${name}: bitDepth ${bitDepth} does not match the ${data.constructor.name} holding the samples.`,
    );
  }
  if (data.length !== width * height * channels) {
    throw new AppError(
      'invalid_argument',
      `${name}: ${data.length} samples for ${width}x${height}x${channels} (${width * height * channels}).`,
    );
  }
}
