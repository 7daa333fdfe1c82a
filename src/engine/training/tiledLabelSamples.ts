import { basename, extname } from 'node:path';
import { AppError } from '../../shared/errors';
import { TILE_SIZE } from '../../shared/imageData';
import { LazyTiff } from '../image/index';
import type { PercentileNormalization } from '../model/types';
import { lazyTiffSource } from '../prediction/regionSource';
import { percentileBounds } from '../prediction/streamNormalization';
import { type LabelTileData, listLabelTiles, readLabelTile } from '../project/labelTiles';
import { type ClassBalance, computeAnnotationWeightMap } from '../weightmap/index';
import { pixelsWithChannels, scaleOfBitDepth } from './normalization';
import { type LabelledRegion, regionTrainingSamples } from './regionSamples';
import type { LoadedSample } from './trainingData';

/** Label tiles joined into one training region at most (a run of tiles along a row). */
const RUN_TILES = 4;

/** What a tiled-label image needs beyond its paths: the run's settings that shape its samples. */
export interface TiledLabelOptions {
  /** Network channels of the run (1 or 3). */
  channels: 1 | 3;
  numClasses: number;
  w0: number;
  sigma: number;
  classBalance: ClassBalance;
  /** Learn object outlines as a third class (weightmap/objectBorders); labels hold one foreground class. */
  objectBorders?: boolean;
  /** Image context around each region (px): at least the training input tile. */
  context: number;
}

/** Channels and bit depth of a TIFF read region by region (its header only). */
export async function lazyImageHeader(path: string): Promise<{ channels: number; bitDepth: 8 | 16 | 32 }> {
  const tiff = await LazyTiff.open(path);
  try {
    return { channels: tiff.channels, bitDepth: tiff.bitDepth };
  } finally {
    await tiff.close();
  }
}

/**
 * Training samples of an image too large to load, from its sparse label tiles
 * (`<dir>/annotations/<imageId>/`): only the stored tiles are read, joined along rows into runs
 * of up to RUN_TILES tiles; each run's weight map (U-Net eq. 2) is computed on the run plus a
 * margin of the neighbouring tiles' labels, so objects cut by the run's edge keep their borders;
 * its pixels come with `context` px of image around it (`regionTrainingSamples`), scaled by the
 * bit depth like any sample. Percentile normalisation uses the whole image's percentiles
 * (`percentileBounds` on the sample, one streamed pass per image), as streaming prediction
 * does. Memory: the annotated tiles and their context, never the image. A class value past
 * the model's classes -> 'invalid_argument' naming the tile; an image not readable by regions
 * -> the TIFF reader's error.
 */
export async function tiledLabelSamples(
  imagePath: string,
  dir: string,
  imageId: string,
  options: TiledLabelOptions,
): Promise<LoadedSample[]> {
  const tiff = await LazyTiff.open(imagePath);
  try {
    const source = lazyTiffSource(tiff);
    const { width, height } = source;
    const tiles = new TileReader(dir, imageId, options.objectBorders === true ? 2 : options.numClasses);
    const regions: LabelledRegion[] = [];
    for (const run of tileRuns(await listLabelTiles(dir, imageId))) {
      const x = run.tx * TILE_SIZE;
      const y = run.ty * TILE_SIZE;
      if (x >= width || y >= height) continue; // a tile past the image holds nothing of it
      const rect = {
        x,
        y,
        width: Math.min(run.count * TILE_SIZE, width - x),
        height: Math.min(TILE_SIZE, height - y),
      };
      regions.push(await labelledRegion(tiles, rect, width, height, options));
    }
    const scale = scaleOfBitDepth(source.bitDepth);
    const prepare = (tile: Parameters<typeof pixelsWithChannels>[0]) => {
      const data = pixelsWithChannels(tile, options.channels);
      if (scale !== 1) for (let i = 0; i < data.length; i++) data[i] /= scale;
      return data;
    };
    const samples = await regionTrainingSamples(source, regions, prepare, options.channels, options.context);
    const bounds = wholeImagePercentiles(imagePath, options.channels);
    const name = basename(imagePath, extname(imagePath));
    return samples.map((sample, i) => {
      let labelledPixels = 0;
      for (const w of regions[i].weights) if (w > 0) labelledPixels++;
      return {
        ...sample,
        name: `${name} (${regions[i].x}, ${regions[i].y})`,
        imagePath,
        labelledPixels,
        percentileBounds: bounds,
      };
    });
  } finally {
    await tiff.close();
  }
}

/** Runs of consecutive stored tiles along each row, at most RUN_TILES long. */
function tileRuns(tiles: [number, number][]): { tx: number; ty: number; count: number }[] {
  const runs: { tx: number; ty: number; count: number }[] = [];
  for (const [tx, ty] of tiles) {
    const last = runs.at(-1);
    if (last !== undefined && last.ty === ty && last.tx + last.count === tx && last.count < RUN_TILES)
      last.count++;
    else runs.push({ tx, ty, count: 1 });
  }
  return runs;
}

/** The run's targets and weights, the weight map computed with a margin of neighbouring labels. */
async function labelledRegion(
  tiles: TileReader,
  rect: { x: number; y: number; width: number; height: number },
  width: number,
  height: number,
  options: TiledLabelOptions,
): Promise<LabelledRegion> {
  // The border term exp(-(d1 + d2)^2 / 2 sigma^2) is below 1e-5 past d1 + d2 = 5 sigma.
  const margin = Math.ceil(5 * options.sigma) + 2;
  const x0 = Math.max(0, rect.x - margin);
  const y0 = Math.max(0, rect.y - margin);
  const x1 = Math.min(width, rect.x + rect.width + margin);
  const y1 = Math.min(height, rect.y + rect.height + margin);
  const w = x1 - x0;
  const h = y1 - y0;
  const classes = new Uint8Array(w * h);
  const instances = new Int32Array(w * h);
  for (let ty = Math.floor(y0 / TILE_SIZE); ty * TILE_SIZE < y1; ty++) {
    for (let tx = Math.floor(x0 / TILE_SIZE); tx * TILE_SIZE < x1; tx++) {
      const tile = await tiles.read(tx, ty);
      if (tile === null) continue;
      const cx0 = Math.max(x0, tx * TILE_SIZE);
      const cx1 = Math.min(x1, (tx + 1) * TILE_SIZE);
      for (let yy = Math.max(y0, ty * TILE_SIZE); yy < Math.min(y1, (ty + 1) * TILE_SIZE); yy++) {
        const from = (yy - ty * TILE_SIZE) * TILE_SIZE + (cx0 - tx * TILE_SIZE);
        const to = (yy - y0) * w + (cx0 - x0);
        classes.set(tile.classes.subarray(from, from + cx1 - cx0), to);
        for (let i = 0; i < cx1 - cx0; i++) instances[to + i] = tile.instances[from + i];
      }
    }
  }
  const map = computeAnnotationWeightMap({
    classes,
    instances,
    width: w,
    height: h,
    numClasses: options.numClasses,
    w0: options.w0,
    sigma: options.sigma,
    classBalance: options.classBalance,
    objectBorders: options.objectBorders,
  });
  const targets = new Uint8Array(rect.width * rect.height);
  const weights = new Float32Array(rect.width * rect.height);
  for (let row = 0; row < rect.height; row++) {
    const from = (rect.y - y0 + row) * w + (rect.x - x0);
    targets.set(map.targets.subarray(from, from + rect.width), row * rect.width);
    weights.set(map.weights.subarray(from, from + rect.width), row * rect.width);
  }
  return { ...rect, targets, weights };
}

/** Decoded label tiles of one image, each read once, class values checked against the model. */
class TileReader {
  private readonly tiles = new Map<string, LabelTileData | null>();

  constructor(
    private readonly dir: string,
    private readonly imageId: string,
    private readonly numClasses: number,
  ) {}

  async read(tx: number, ty: number): Promise<LabelTileData | null> {
    const key = `${tx}_${ty}`;
    if (this.tiles.has(key)) return this.tiles.get(key) ?? null;
    const tile = await readLabelTile(this.dir, this.imageId, tx, ty);
    if (tile !== null) {
      const bad = tile.classes.findIndex((v) => v > this.numClasses);
      if (bad >= 0) {
        throw new AppError(
          'invalid_argument',
          `Label tile ${key} of ${this.imageId}: class ${tile.classes[bad]} at (${tx * TILE_SIZE + (bad % TILE_SIZE)}, ` +
            `${ty * TILE_SIZE + Math.floor(bad / TILE_SIZE)}) is not a class of this model ` +
            `(values 0..${this.numClasses}: 0 unlabelled, 1 background, 2.. foreground)`,
        );
      }
    }
    this.tiles.set(key, tile);
    return tile;
  }
}

/**
 * The whole image's percentile bounds for a normalisation, computed once per setting by one
 * streamed pass over the TIFF (reopened, so nothing stays open between loading and training).
 */
function wholeImagePercentiles(
  imagePath: string,
  channels: 1 | 3,
): (norm: PercentileNormalization) => Promise<[number, number][]> {
  const known = new Map<string, Promise<[number, number][]>>();
  return (norm) => {
    const key = JSON.stringify(norm);
    let bounds = known.get(key);
    if (bounds === undefined) {
      bounds = (async () => {
        const tiff = await LazyTiff.open(imagePath);
        try {
          return await percentileBounds(lazyTiffSource(tiff), channels, norm);
        } finally {
          await tiff.close();
        }
      })();
      known.set(key, bounds);
    }
    return bounds;
  };
}
