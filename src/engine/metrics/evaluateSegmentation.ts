import { AppError } from '../../shared/errors';
import { compactLabels, connectedComponents } from './connectedComponents';
import { type ObjectScores, objectScores } from './objectScores';
import { overlapTable } from './overlapTable';
import { type RandScores, randScores } from './randError';

/** Every score of one prediction against its truth (see `evaluateSegmentation`). */
export interface SegmentationMetrics {
  /** Per class index (0 = background, 1 = foreground, ...), labelled pixels only. */
  iou: number[];
  dice: number[];
  meanIoU: number;
  meanDice: number;
  /** IoU of "any class > 0" (equals iou[1] for two classes). */
  foregroundIoU: number;
  /** 1 - accuracy over labelled pixels. */
  pixelError: number;
  /** ISBI 2012: 1 - foreground-restricted Rand F-score (V_rand), see randError.ts. */
  randError: number;
  /** Cell tracking challenge SEG, see objectScores.ts. */
  seg: number;
  /** Detection scores with pairs matched at IoU > 0.5 (one-to-one). */
  objectPrecision: number;
  objectRecall: number;
  objectF1: number;
  truthObjects: number;
  predictedObjects: number;
}

export interface SegmentationInput {
  /** Class index per pixel, row-major. */
  classes: ArrayLike<number>;
  /** Object id per pixel (0 = none); absent: connected components (4-connectivity) of `classes`. */
  instances?: Int32Array;
}

/**
 * Scores a predicted segmentation against the truth. Pixel scores (IoU, Dice, pixel error)
 * and the Rand error use the pixels where `labelled` is 1 (all when absent); object scores
 * (SEG, object precision/recall/F1) use whole images, since objects are whole. A class with
 * no pixel in either truth or prediction scores IoU = Dice = 1 (both agree it is absent).
 * Objects come from `instances` when given, else from connected components of each class
 * (4-connectivity: diagonal contact does not join two cells, as in the ISBI 2012 scripts).
 * Errors: 'size_mismatch' for arrays that are not width*height long, 'invalid_argument' for
 * class values that are negative, fractional or >= numClasses, or no labelled pixel.
 */
export function evaluateSegmentation(args: {
  width: number;
  height: number;
  pred: SegmentationInput;
  truth: SegmentationInput;
  numClasses?: number;
  labelled?: Uint8Array;
}): SegmentationMetrics {
  const { width, height, pred, truth, labelled } = args;
  const n = width * height;
  for (const [what, array] of [
    ['prediction classes', pred.classes],
    ['truth classes', truth.classes],
    ['prediction instances', pred.instances],
    ['truth instances', truth.instances],
    ['labelled mask', labelled],
  ] as const) {
    if (array !== undefined && array.length !== n) {
      throw new AppError(
        'size_mismatch',
        `The ${what} hold ${array.length} pixels, expected ${width}x${height}.`,
      );
    }
  }
  const numClasses =
    args.numClasses ??
    Math.max(2, maxClass(pred.classes, 'prediction') + 1, maxClass(truth.classes, 'truth') + 1);
  const k = numClasses;
  const confusion = new Float64Array(k * k); // row: truth class, column: predicted class
  let total = 0;
  for (let i = 0; i < n; i++) {
    if (labelled && labelled[i] === 0) continue;
    const t = truth.classes[i];
    const p = pred.classes[i];
    if (!(t >= 0 && t < k && p >= 0 && p < k && Number.isInteger(t) && Number.isInteger(p))) {
      const bad = t >= 0 && t < k && Number.isInteger(t) ? `prediction value ${p}` : `truth value ${t}`;
      throw new AppError('invalid_argument', `Pixel ${i}: ${bad} is not a class index 0..${k - 1}.`);
    }
    confusion[t * k + p]++;
    total++;
  }
  if (total === 0) throw new AppError('invalid_argument', 'No labelled pixel to evaluate.');

  const scores = confusionScores(confusion, k);

  const truthObjects = objectsOf(truth, width, height);
  const predObjects = objectsOf(pred, width, height);
  const include = new Uint8Array(n);
  for (let i = 0; i < n; i++) include[i] = truthObjects.labels[i] > 0 && labelled?.[i] !== 0 ? 1 : 0;
  const rand = randScores(
    overlapTable(truthObjects.labels, truthObjects.count, predObjects.labels, predObjects.count, include),
  );
  const objects = objectScores(
    overlapTable(truthObjects.labels, truthObjects.count, predObjects.labels, predObjects.count),
  );

  return segmentationMetrics(scores, rand, objects);
}

function objectsOf(
  input: SegmentationInput,
  width: number,
  height: number,
): { labels: Int32Array; count: number } {
  return input.instances
    ? compactLabels(input.instances)
    : connectedComponents(input.classes, width, height, 4);
}

function maxClass(classes: ArrayLike<number>, what: string): number {
  let max = 0;
  for (let i = 0; i < classes.length; i++) if (classes[i] > max) max = classes[i];
  if (!Number.isFinite(max) || max > 65535)
    throw new AppError('invalid_argument', `The ${what} holds class value ${max}.`);
  return Math.floor(max);
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** The pixel scores of `SegmentationMetrics`, from a confusion matrix alone. */
export type ConfusionScores = Pick<
  SegmentationMetrics,
  'iou' | 'dice' | 'meanIoU' | 'meanDice' | 'foregroundIoU' | 'pixelError'
>;

/**
 * IoU and Dice per class, their means, foreground IoU and pixel error of a k x k confusion
 * matrix (row: truth class, column: predicted class) holding at least one pixel.
 */
export function confusionScores(confusion: Float64Array, k: number): ConfusionScores {
  let total = 0;
  for (const n of confusion) total += n;
  const iou: number[] = [];
  const dice: number[] = [];
  let correct = 0;
  for (let c = 0; c < k; c++) {
    let truthC = 0;
    let predC = 0;
    for (let o = 0; o < k; o++) {
      truthC += confusion[c * k + o];
      predC += confusion[o * k + c];
    }
    const tp = confusion[c * k + c];
    correct += tp;
    const union = truthC + predC - tp;
    iou.push(union === 0 ? 1 : tp / union);
    dice.push(truthC + predC === 0 ? 1 : (2 * tp) / (truthC + predC));
  }
  // Foreground = any class > 0: the background row/column of the confusion matrix decide it.
  const bothBackground = confusion[0];
  let truthBackground = 0;
  let predBackground = 0;
  for (let o = 0; o < k; o++) {
    truthBackground += confusion[o];
    predBackground += confusion[o * k];
  }
  const fgUnion = total - bothBackground;
  const fgIntersection = total - truthBackground - predBackground + bothBackground;

  return {
    iou,
    dice,
    meanIoU: mean(iou),
    meanDice: mean(dice),
    foregroundIoU: fgUnion === 0 ? 1 : fgIntersection / fgUnion,
    pixelError: 1 - correct / total,
  };
}

/** SegmentationMetrics of its three parts: pixel, Rand and object scores. */
export function segmentationMetrics(
  scores: ConfusionScores,
  rand: RandScores,
  objects: ObjectScores,
): SegmentationMetrics {
  return {
    ...scores,
    randError: rand.error,
    seg: objects.seg,
    objectPrecision: objects.precision,
    objectRecall: objects.recall,
    objectF1: objects.f1,
    truthObjects: objects.truthObjects,
    predictedObjects: objects.predictedObjects,
  };
}
