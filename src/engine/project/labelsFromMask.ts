import type { MaskReading } from '../../shared/dataImport';
import { AppError } from '../../shared/errors';
import type { ClassDef } from '../../shared/schemas';
import type { RasterImage } from '../image/index';
import { compactLabels, maskFromImage } from '../metrics/index';

/** Class id of every pixel a mask leaves at 0 (the project's first class). */
export const BACKGROUND_CLASS = 1;
/** Class id of the foreground of a binary mask or an instance image (the project's second class). */
export const FOREGROUND_CLASS = 2;

/** A label image turned into the project's annotation form. */
export interface ImportedLabels {
  /** Project class per pixel: 1 = background, 2.. = the mask's classes (never 0: all labelled). */
  classes: Uint8Array;
  /** Object id per pixel (0 = none), 1..objects. */
  instances: Uint16Array;
  /** How the mask was read (see maskFromImage). */
  kind: 'binary' | 'classes' | 'instances';
  objects: number;
}

/**
 * Turns a decoded mask into the annotation of an image of `width` x `height`, the same way
 * training reads a mask folder (engine/training/trainingData.ts): mask 0 becomes background
 * (class 1); a binary mask (0/255, 0/1) or an 8/16-bit instance image makes its objects class 2;
 * an 8-bit class-index image with values 0..k makes value v class v + 1. Every pixel is labelled.
 * With `reading` 'auto', an 8-bit mask with more than two values is a class-index image when
 * the project has a class for each of its values, else an instance image (8-bit label images
 * from Fiji or Cellpose); 16-bit masks with more than two values are instance images.
 * `maskName` and `imageName` name both files in errors: another size -> 'size_mismatch', a
 * value the project has no class for (or a two-valued mask without 0) -> 'invalid_argument',
 * more than 65535 objects -> 'too_large'.
 */
export function labelsFromMask(
  mask: RasterImage,
  classes: readonly ClassDef[],
  names: { maskName: string; imageName: string; width: number; height: number },
  reading: MaskReading = 'auto',
): ImportedLabels {
  const { maskName, imageName, width, height } = names;
  if (mask.width !== width || mask.height !== height) {
    throw new AppError(
      'size_mismatch',
      `Mask ${maskName} is ${mask.width}x${mask.height} but image ${imageName} is ${width}x${height}.`,
    );
  }
  let read: ReturnType<typeof maskFromImage>;
  try {
    read = maskFromImage(mask);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new AppError('invalid_argument', `Mask ${maskName} (for image ${imageName}): ${reason}`);
  }
  const known = new Set(classes.map((c) => c.id));
  if (read.kind === 'classes' && reading !== 'classes') {
    const fits = read.classes.every((k) => k === 0 || known.has(k + 1));
    if (reading === 'instances' || !fits) read = asInstances(mask, read.classes);
  } else if (reading === 'instances' && read.kind === 'binary' && mask.channels === 1) {
    read = asInstances(mask, read.classes);
  }
  for (const id of [BACKGROUND_CLASS, FOREGROUND_CLASS]) {
    if (!known.has(id)) {
      throw new AppError(
        'invalid_argument',
        `Cannot import ${maskName}: the project has no class ${id} (masks need a background class 1 and a foreground class 2).`,
      );
    }
  }
  const n = width * height;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const k = read.classes[i];
    const classId = k === 0 ? BACKGROUND_CLASS : read.kind === 'classes' ? k + 1 : FOREGROUND_CLASS;
    if (!known.has(classId)) {
      throw new AppError(
        'invalid_argument',
        `Mask ${maskName} has value ${k} at (${i % width}, ${Math.floor(i / width)}), but the project has ` +
          `no class ${classId} for it (image ${imageName}; a class-index mask's value v becomes class v + 1: add classes first).`,
      );
    }
    out[i] = classId;
  }
  let objects = 0;
  for (let i = 0; i < n; i++) if (read.instances[i] > objects) objects = read.instances[i];
  if (objects > 65535) {
    throw new AppError(
      'too_large',
      `Mask ${maskName} (for image ${imageName}) holds ${objects} objects; at most 65535 fit an annotation.`,
    );
  }
  return { classes: out, instances: Uint16Array.from(read.instances), kind: read.kind, objects };
}

/** Each nonzero value of the mask's first channel as one object (a 0/v mask: one object). */
function asInstances(mask: RasterImage, classes: Uint8Array): ReturnType<typeof maskFromImage> {
  const n = mask.width * mask.height;
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = classes[i] === 0 ? 0 : mask.data[i * mask.channels];
  return {
    classes: classes.map((k) => (k === 0 ? 0 : 1)),
    instances: compactLabels(values).labels,
    kind: 'instances',
  };
}
