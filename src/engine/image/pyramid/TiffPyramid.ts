import { AppError } from '../../../shared/errors';
import type { PyramidLevel } from '../../../shared/imageData';
import type { MultiChannelImage } from '../rasterImage';
import type { LazyTiff } from '../tiff/LazyTiff';
import { type ImagePyramid, tileRect } from './ImagePyramid';

/**
 * A pyramid read straight from a TIFF/BigTIFF through LazyTiff: its stored levels (an
 * OME-TIFF's SubIFD pyramid, or the cache that `buildPyramidCache` wrote) are the levels,
 * and a tile decodes only the TIFF tiles or strips it covers. Each level must be smaller
 * than the one above ('corrupt_file' otherwise: a pyramid whose levels disagree).
 */
export class TiffPyramid implements ImagePyramid {
  readonly levels: readonly PyramidLevel[];

  constructor(private readonly tiff: LazyTiff) {
    this.levels = tiff.levels.map(({ width, height }) => ({ width, height }));
    for (let l = 1; l < this.levels.length; l++) {
      const above = this.levels[l - 1];
      const level = this.levels[l];
      if (level.width >= above.width || level.height >= above.height) {
        throw new AppError(
          'corrupt_file',
          `${tiff.name}: pyramid level ${l} (${level.width}x${level.height}) is not smaller than ` +
            `level ${l - 1} (${above.width}x${above.height}).`,
        );
      }
    }
  }

  get width(): number {
    return this.tiff.width;
  }
  get height(): number {
    return this.tiff.height;
  }
  get channels(): number {
    return this.tiff.channels;
  }
  get bitDepth(): 8 | 16 | 32 {
    return this.tiff.bitDepth;
  }

  readTile(level: number, tx: number, ty: number): Promise<MultiChannelImage> {
    return this.tiff.readRegion({ ...tileRect(this.levels, level, tx, ty, this.tiff.name), level });
  }

  close(): Promise<void> {
    return this.tiff.close();
  }
}
