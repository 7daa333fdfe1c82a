import type { AcceptedPrediction } from '../../shared/apiModels';
import { AppError } from '../../shared/errors';

/** What acceptance needs of a prediction: network classes and object ids (4-connected patches). */
export interface PredictedLabels {
  width: number;
  height: number;
  classes: Uint8Array;
  instances: Uint16Array;
  objects: number;
}

/**
 * The label patch that takes over a prediction into an annotation whose next free instance id is
 * `nextInstanceId`. Whole (`objects` absent): every pixel gets its predicted class (network class
 * c -> project class c + 1) and each predicted object a fresh instance id. Per object: only the
 * pixels of the listed object ids, in their bounding box; other pixels of the box hold class 0,
 * meaning "leave as it is". New ids are nextInstanceId, nextInstanceId + 1, ... in the order of the
 * predicted ids. Unknown object id -> 'invalid_argument'; ids past 65535 -> 'too_large'.
 */
export function acceptPatch(
  prediction: PredictedLabels,
  nextInstanceId: number,
  objects?: number[],
): Omit<AcceptedPrediction, 'imageId' | 'saved'> {
  const { width, height } = prediction;
  const chosen = objects === undefined ? null : new Set(objects);
  for (const id of chosen ?? []) {
    if (id < 1 || id > prediction.objects) {
      throw new AppError(
        'invalid_argument',
        `The prediction has no object ${id} (it has ${prediction.objects}).`,
      );
    }
  }
  const taken =
    chosen === null
      ? Array.from({ length: prediction.objects }, (_, i) => i + 1)
      : [...chosen].sort((a, b) => a - b);
  if (nextInstanceId + taken.length - 1 > 65535) {
    throw new AppError('too_large', `Taking ${taken.length} objects would need instance ids past 65535.`);
  }
  const newId = new Uint32Array(prediction.objects + 1);
  taken.forEach((id, rank) => {
    newId[id] = nextInstanceId + rank;
  });
  const rect = chosen === null ? { x: 0, y: 0, w: width, h: height } : boundingBox(prediction, chosen);
  const classes = new Uint8Array(rect.w * rect.h);
  const instances = new Uint16Array(rect.w * rect.h);
  for (let row = 0; row < rect.h; row++) {
    for (let col = 0; col < rect.w; col++) {
      const i = (rect.y + row) * width + rect.x + col;
      const object = prediction.instances[i];
      if (chosen !== null && !chosen.has(object)) continue;
      classes[row * rect.w + col] = prediction.classes[i] + 1;
      instances[row * rect.w + col] = object === 0 ? 0 : newId[object];
    }
  }
  return { ...rect, classes, instances, objects: taken.length };
}

function boundingBox(
  p: PredictedLabels,
  chosen: Set<number>,
): { x: number; y: number; w: number; h: number } {
  let x0 = p.width;
  let y0 = p.height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < p.height; y++) {
    for (let x = 0; x < p.width; x++) {
      if (!chosen.has(p.instances[y * p.width + x])) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  if (x1 < 0) throw new AppError('invalid_argument', 'No object was chosen.');
  return { x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1 };
}

/**
 * Merges an accepted patch into saved label images: pixels with class 0 in the patch keep the
 * saved values. Returns the full-rect patch to write (AnnotationPatch layout).
 */
export function mergeAccepted(
  saved: { width: number; classes: Uint8Array; instances: Uint16Array },
  patch: Omit<AcceptedPrediction, 'imageId' | 'saved' | 'objects'>,
): { x: number; y: number; w: number; h: number; classes: Uint8Array; instances: Uint16Array } {
  const classes = patch.classes.slice();
  const instances = patch.instances.slice();
  for (let row = 0; row < patch.h; row++) {
    for (let col = 0; col < patch.w; col++) {
      const k = row * patch.w + col;
      if (classes[k] !== 0) continue;
      const i = (patch.y + row) * saved.width + patch.x + col;
      classes[k] = saved.classes[i];
      instances[k] = saved.instances[i];
    }
  }
  return { x: patch.x, y: patch.y, w: patch.w, h: patch.h, classes, instances };
}
