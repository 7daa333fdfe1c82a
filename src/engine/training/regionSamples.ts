import { AppError } from '../../shared/errors';
import type { RegionSource } from '../prediction/regionSource';
import type { PrepareTile } from '../prediction/streamNormalization';
import type { TrainingSample } from './tileSampler';

/**
 * The labels of one annotated rectangle of a big image, in image pixels: class per pixel and
 * loss weight (0 = unlabelled), width x height each, row-major. What a tiled label store hands
 * to training for each annotated tile or stroke box.
 */
export interface LabelledRegion {
  x: number;
  y: number;
  width: number;
  height: number;
  targets: Uint8Array;
  weights: Float32Array;
}

/**
 * Training samples of the labelled regions of an image too big to load: each region is cut out
 * with `context` px of real surrounding image on every side (clipped at the image's edges;
 * weight 0 there), read with `source.readRegion` and turned into network input by `prepare`
 * (`streamNormalization`: the whole image's percentiles, as prediction uses them). With
 * `context` >= the training input tile, `cutTile` on such a sample gives exactly the tile it
 * would give on the whole image for every output window that holds a labelled pixel. Memory:
 * the regions and their context, never the image. Regions outside the image or with arrays of
 * the wrong length -> 'invalid_argument' naming the image.
 */
export async function regionTrainingSamples(
  source: RegionSource,
  regions: readonly LabelledRegion[],
  prepare: PrepareTile,
  channels: number,
  context: number,
): Promise<TrainingSample[]> {
  const samples: TrainingSample[] = [];
  for (const [index, region] of regions.entries()) {
    checkRegion(source, region, index);
    const x0 = Math.max(0, region.x - context);
    const y0 = Math.max(0, region.y - context);
    const x1 = Math.min(source.width, region.x + region.width + context);
    const y1 = Math.min(source.height, region.y + region.height + context);
    const width = x1 - x0;
    const height = y1 - y0;
    const image = prepare(await source.readRegion(x0, y0, width, height));
    const targets = new Uint8Array(width * height);
    const weights = new Float32Array(width * height);
    for (let row = 0; row < region.height; row++) {
      const from = row * region.width;
      const to = (region.y - y0 + row) * width + (region.x - x0);
      targets.set(region.targets.subarray(from, from + region.width), to);
      weights.set(region.weights.subarray(from, from + region.width), to);
    }
    samples.push({
      name: `${source.name} (${region.x}, ${region.y}) ${region.width}x${region.height}`,
      width,
      height,
      channels,
      image,
      targets,
      weights,
    });
  }
  return samples;
}

function checkRegion(source: RegionSource, region: LabelledRegion, index: number): void {
  const { x, y, width, height } = region;
  const where = `${source.name}: labelled region ${index} (${width}x${height} at ${x}, ${y})`;
  if (
    ![x, y, width, height].every(Number.isInteger) ||
    x < 0 ||
    y < 0 ||
    width < 1 ||
    height < 1 ||
    x + width > source.width ||
    y + height > source.height
  ) {
    throw new AppError(
      'invalid_argument',
      `${where} is not inside the ${source.width}x${source.height} image`,
    );
  }
  if (region.targets.length !== width * height || region.weights.length !== width * height) {
    throw new AppError(
      'invalid_argument',
      `${where} has ${region.targets.length} targets and ${region.weights.length} weights, expected ${width * height}`,
    );
  }
}
