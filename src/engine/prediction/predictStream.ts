import { AppError } from '../../shared/errors';
import type { Predictor } from './Predictor';
import { argmaxAt } from './predictImage';
import { type RegionSource, readMirrored } from './regionSource';
import type { PrepareTile } from './streamNormalization';
import { tileLayout } from './tileLayout';

/** Full-width rows of a streamed class map: rows y .. y + rows - 1. */
export interface PredictedRows {
  y: number;
  rows: number;
  /** Arg-max class per pixel, rows x width, row-major. */
  classes: Uint8Array;
}

export interface PredictStreamOptions {
  signal?: AbortSignal;
  /** After each tile: tiles done and the total. */
  onTile?: (done: number, total: number) => void;
}

/**
 * Overlap-tile prediction of an image read region by region (paper Fig. 2), for images too big
 * to hold: the same tiles, in the same order, as `predictImage` over the whole mirror-padded
 * image, so the class map is identical, but each input tile is read (`readMirrored`) and
 * prepared on its own and the output leaves as bands of full-width rows through `onRows`, top to
 * bottom. A tile row's band is pasted tile by tile as arg-max classes (a later tile overwrites
 * the overlap, as predictImage's logits do, and the arg-max of the winning logits is the
 * winning tile's arg-max); its first `stride` rows are final because the next tile row starts
 * there. Memory: one input tile, one output tile and width x outputSize bytes.
 */
export async function predictStream(
  predictor: Predictor,
  source: RegionSource,
  prepare: PrepareTile,
  onRows: (rows: PredictedRows) => Promise<void>,
  options: PredictStreamOptions = {},
): Promise<{ tiles: number }> {
  const { width, height } = source;
  const layout = tileLayout(width, height, predictor.inputSize, predictor.outputSize, predictor.alignment);
  const { inputSize, outputSize, stride, tilesX, tilesY } = layout;
  const border = (inputSize - outputSize) / 2;
  const classes = predictor.classes;
  const total = tilesX * tilesY;
  let done = 0;
  for (let ty = 0; ty < tilesY; ty++) {
    const y = ty * stride;
    const bandRows = Math.min(outputSize, height - y);
    const band = new Uint8Array(width * bandRows);
    for (let tx = 0; tx < tilesX; tx++) {
      if (options.signal?.aborted) throw new AppError('cancelled', 'prediction cancelled');
      const x = tx * stride;
      const input = prepare(await readMirrored(source, x - border, y - border, inputSize));
      if (input.length !== inputSize * inputSize * predictor.channels) {
        throw new AppError(
          'incompatible_model',
          `${source.name}: the model expects ${predictor.channels}-channel input`,
        );
      }
      const [logits] = await predictor.runTiles([input]);
      const columns = Math.min(outputSize, width - x);
      for (let row = 0; row < bandRows; row++) {
        const target = row * width + x;
        for (let column = 0; column < columns; column++) {
          band[target + column] = argmaxAt(logits, (row * outputSize + column) * classes, classes);
        }
      }
      options.onTile?.(++done, total);
    }
    const rows = ty === tilesY - 1 ? bandRows : Math.min(stride, bandRows);
    await onRows({ y, rows, classes: band.subarray(0, rows * width) });
  }
  return { tiles: total };
}
