import { AppError } from '../../shared/errors';
import { LazyTiff } from '../image/tiff/LazyTiff';
import {
  type ConfusionScores,
  confusionScores,
  type SegmentationMetrics,
  segmentationMetrics,
} from './evaluateSegmentation';
import { OverlapCounter } from './OverlapCounter';
import { objectScores } from './objectScores';
import { randScores } from './randError';
import { StreamingComponents } from './StreamingComponents';

/** Samples per band read from each mask. */
const BAND_PIXELS = 1 << 22;

/**
 * Scores a predicted mask against a truth mask, both TIFF/BigTIFF of any size, reading them in
 * bands of rows: memory holds two bands, a confusion table and a few numbers per object, never
 * a whole mask. Gives the metrics of `evaluateSegmentation` on the masks `maskFromImage` reads:
 * 8-bit masks with one nonzero value are binary, with more the value is the class; 16-bit masks
 * are foreground where nonzero. Objects are connected patches (4-connectivity) of one value,
 * labelled across bands (StreamingComponents), so for 16-bit instance masks an instance split
 * in pieces counts as several objects (the whole-image path counts it once). Single-channel
 * integer masks only: others -> 'unsupported_format'; sizes that differ -> 'size_mismatch'.
 */
export async function evaluateLargeMasks(args: {
  predPath: string;
  truthPath: string;
  onProgress?: (rowsDone: number, rows: number) => void;
  /** Rows per band (default: whole tile rows of the prediction, about 4M pixels). */
  bandRows?: number;
}): Promise<SegmentationMetrics> {
  const pred = await LazyTiff.open(args.predPath);
  const truth = await LazyTiff.open(args.truthPath).catch(async (error: unknown) => {
    await pred.close();
    throw error;
  });
  try {
    for (const mask of [pred, truth]) {
      if (mask.channels !== 1 || mask.bitDepth === 32) {
        throw new AppError(
          'unsupported_format',
          `${mask.name}: a streamed mask has one 8- or 16-bit channel (${mask.channels} x ${mask.bitDepth}-bit found)`,
        );
      }
    }
    const { width, height } = pred;
    if (truth.width !== width || truth.height !== height) {
      throw new AppError(
        'size_mismatch',
        `${args.predPath} is ${width}x${height} but ${args.truthPath} is ${truth.width}x${truth.height}.`,
      );
    }
    // Raw value pairs: 8-bit masks keep their values, 16-bit ones fold to 0 / 1 (foreground).
    const keyOf = (mask: LazyTiff) =>
      mask.bitDepth === 8 ? (v: number) => v : (v: number) => (v > 0 ? 1 : 0);
    const predKey = keyOf(pred);
    const truthKey = keyOf(truth);
    const confusion = new Float64Array(256 * 256); // [truth value][pred value]
    const predObjects = new StreamingComponents(width);
    const truthObjects = new StreamingComponents(width);
    const overlaps = new OverlapCounter();
    const tileRows = Math.max(pred.levels[0].tileHeight, 1);
    const bandRows =
      args.bandRows ?? Math.max(tileRows, Math.floor(BAND_PIXELS / width / tileRows) * tileRows);
    for (let y = 0; y < height; y += bandRows) {
      const rows = Math.min(bandRows, height - y);
      const region = { x: 0, y, width, height: rows };
      const [p, t] = await Promise.all([pred.readRegion(region), truth.readRegion(region)]);
      for (let i = 0; i < p.data.length; i++) confusion[truthKey(t.data[i]) * 256 + predKey(p.data[i])]++;
      overlaps.add(
        truthObjects.addRows(t.data, rows, new Int32Array(width * rows)),
        predObjects.addRows(p.data, rows, new Int32Array(width * rows)),
      );
      args.onProgress?.(y + rows, height);
    }
    const truthFinal = truthObjects.finish();
    const predFinal = predObjects.finish();
    const table = overlaps.table(truthFinal, predFinal);
    return segmentationMetrics(pixelScores(confusion), randScores(table), objectScores(table));
  } finally {
    await Promise.all([pred.close(), truth.close()]);
  }
}

/**
 * Class scores from a confusion table of raw values [truth][pred] (256 x 256): a mask with one
 * nonzero value is binary (that value is class 1), otherwise the value is the class, as in
 * `maskFromImage`; then IoU and Dice as `evaluateSegmentation` computes them.
 */
function pixelScores(raw: Float64Array): ConfusionScores {
  const classMap = (axis: 'truth' | 'pred'): Int32Array => {
    const present: number[] = [];
    for (let v = 1; v < 256; v++) {
      let sum = 0;
      for (let o = 0; o < 256; o++) sum += axis === 'truth' ? raw[v * 256 + o] : raw[o * 256 + v];
      if (sum > 0) present.push(v);
    }
    const map = Int32Array.from({ length: 256 }, (_, v) => v);
    if (present.length === 1) map[present[0]] = 1;
    return map;
  };
  const truthClass = classMap('truth');
  const predClass = classMap('pred');
  let k = 2;
  for (let v = 0; v < 256 * 256; v++) {
    if (raw[v] === 0) continue;
    k = Math.max(k, truthClass[v >> 8] + 1, predClass[v & 255] + 1);
  }
  const confusion = new Float64Array(k * k);
  for (let v = 0; v < 256 * 256; v++) {
    if (raw[v] > 0) confusion[truthClass[v >> 8] * k + predClass[v & 255]] += raw[v];
  }
  return confusionScores(confusion, k);
}
