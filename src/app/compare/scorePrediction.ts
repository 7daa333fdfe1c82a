import { evaluateSegmentation } from '../../engine/index';
import type { ImageScores } from '../../shared/apiModels';

/** The label images of an annotation (project class ids: 0 unlabelled, 1 background, 2.. objects). */
export interface TruthLabels {
  width: number;
  height: number;
  classes: Uint8Array;
  instances: Uint16Array;
}

/**
 * Scores a prediction (network classes) against a partial annotation: pixel scores over the
 * labelled pixels only (project class k = network class k - 1); objects only where labelled (the
 * prediction counts as background elsewhere, so unannotated regions do not add false objects).
 * Truth objects are the annotation's instance ids when every labelled foreground pixel has one,
 * else 4-connected patches. Dice is the foreground Dice, 2 IoU / (1 + IoU). Returns null when
 * nothing is labelled.
 */
export function scorePrediction(
  truth: TruthLabels,
  predicted: Uint8Array,
  classCount: number,
): ImageScores | null {
  const n = truth.width * truth.height;
  const labelled = new Uint8Array(n);
  const truthClasses = new Uint8Array(n);
  const predClasses = new Uint8Array(n);
  let any = false;
  let maxClass = 0;
  let instancesCover = true;
  let anyInstance = false;
  for (let i = 0; i < n; i++) {
    const c = truth.classes[i];
    if (c === 0) continue;
    any = true;
    labelled[i] = 1;
    truthClasses[i] = c - 1;
    predClasses[i] = predicted[i];
    if (c - 1 > maxClass) maxClass = c - 1;
    if (c > 1) {
      if (truth.instances[i] === 0) instancesCover = false;
      else anyInstance = true;
    }
  }
  if (!any) return null;
  const m = evaluateSegmentation({
    width: truth.width,
    height: truth.height,
    pred: { classes: predClasses },
    truth: {
      classes: truthClasses,
      instances: instancesCover && anyInstance ? maskedInstances(truth.instances, labelled) : undefined,
    },
    numClasses: Math.max(classCount, maxClass + 1),
    labelled,
  });
  return {
    iou: m.foregroundIoU,
    dice: (2 * m.foregroundIoU) / (1 + m.foregroundIoU),
    pixelError: m.pixelError,
    randError: m.randError,
    objectF1: m.objectF1,
    truthObjects: m.truthObjects,
    predictedObjects: m.predictedObjects,
  };
}

function maskedInstances(instances: Uint16Array, labelled: Uint8Array): Int32Array {
  const out = new Int32Array(instances.length);
  for (let i = 0; i < out.length; i++) out[i] = labelled[i] ? instances[i] : 0;
  return out;
}

/** The per-image mean of each score (each image counts once), or null for an empty list. */
export function meanScores(list: ImageScores[]): ImageScores | null {
  if (list.length === 0) return null;
  const mean = (key: keyof ImageScores) => list.reduce((sum, s) => sum + s[key], 0) / list.length;
  return {
    iou: mean('iou'),
    dice: mean('dice'),
    pixelError: mean('pixelError'),
    randError: mean('randError'),
    objectF1: mean('objectF1'),
    truthObjects: mean('truthObjects'),
    predictedObjects: mean('predictedObjects'),
  };
}
