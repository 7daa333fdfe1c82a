import type { PyramidLevel } from '../../../shared/imageData';
import type { MultiChannelImage, PixelData } from '../rasterImage';
import { halvingLevels, type ImagePyramid, tileRect } from './ImagePyramid';

/** Halves an image: each output sample is the mean of its (up to) 2x2 source samples. */
export function halveImage(image: MultiChannelImage): MultiChannelImage {
  const { width, height, channels: C, data } = image;
  const w = Math.ceil(width / 2);
  const h = Math.ceil(height / 2);
  const out = new (data.constructor as new (n: number) => PixelData)(w * h * C);
  const round = !(data instanceof Float32Array);
  for (let y = 0; y < h; y++) {
    const y0 = 2 * y;
    const y1 = Math.min(height - 1, y0 + 1);
    for (let x = 0; x < w; x++) {
      const x0 = 2 * x;
      const x1 = Math.min(width - 1, x0 + 1);
      for (let c = 0; c < C; c++) {
        const sum =
          data[(y0 * width + x0) * C + c] +
          data[(y0 * width + x1) * C + c] +
          data[(y1 * width + x0) * C + c] +
          data[(y1 * width + x1) * C + c];
        out[(y * w + x) * C + c] = round ? Math.round(sum / 4) : sum / 4;
      }
    }
  }
  return { width: w, height: h, channels: C, bitDepth: image.bitDepth, data: out };
}

/** Copies a rectangle out of an HWC image. */
export function cropImage(
  image: MultiChannelImage,
  rect: { x: number; y: number; width: number; height: number },
): MultiChannelImage {
  const { channels: C, data } = image;
  const out = new (data.constructor as new (n: number) => PixelData)(rect.width * rect.height * C);
  for (let row = 0; row < rect.height; row++) {
    const from = ((rect.y + row) * image.width + rect.x) * C;
    out.set(data.subarray(from, from + rect.width * C), row * rect.width * C);
  }
  return { width: rect.width, height: rect.height, channels: C, bitDepth: image.bitDepth, data: out };
}

/**
 * The pyramid of an image decoded whole (PNG, JPEG, TIFF pages that fit in memory): level 0
 * is the decoded image, lower levels are 2x2 means made on first use (a third more memory).
 */
export class MemoryPyramid implements ImagePyramid {
  readonly levels: readonly PyramidLevel[];
  private readonly images: MultiChannelImage[];

  constructor(
    image: MultiChannelImage,
    private readonly name = 'image',
  ) {
    this.levels = halvingLevels(image.width, image.height);
    this.images = [image];
  }

  get width(): number {
    return this.images[0].width;
  }
  get height(): number {
    return this.images[0].height;
  }
  get channels(): number {
    return this.images[0].channels;
  }
  get bitDepth(): 8 | 16 | 32 {
    return this.images[0].bitDepth;
  }

  async readTile(level: number, tx: number, ty: number): Promise<MultiChannelImage> {
    const rect = tileRect(this.levels, level, tx, ty, this.name);
    while (this.images.length <= level) this.images.push(halveImage(this.images[this.images.length - 1]));
    return cropImage(this.images[level], rect);
  }

  async close(): Promise<void> {
    this.images.length = 1;
  }
}
