import { AppError } from '../../shared/errors';
import { BORDER_CLASS, withObjectBorders } from './objectBorders';
import { separateInstances } from './separateInstances';
import { twoNearestDistances } from './twoNearestDistances';

/** Class-frequency weighting of eq. 2: on, off, or on where the background is the majority. */
export type ClassBalance = boolean | 'auto';

/** U-Net eq. 2 parameters. */
export interface WeightMapOptions {
  /** Border weight amplitude; default 10 (paper). */
  w0?: number;
  /** Border weight width in pixels; default 5 (paper). */
  sigma?: number;
  /**
   * Add w_c(x) = N / (C * N_class(x)); when false w_c = 1. 'auto': balance only when the
   * background holds most labelled pixels (sparse objects such as nuclei), not when the objects
   * do (cells packed between thin membranes, where balancing would thicken the membranes).
   * Default true.
   */
  classBalance?: ClassBalance;
}

/** Input of {@link computeAnnotationWeightMap}: a partial annotation. */
export interface AnnotationWeightMapArgs extends WeightMapOptions {
  /** Per pixel: 0 = unlabelled, 1 = background, 2..numClasses = foreground classes. */
  classes: Uint8Array;
  /** Per pixel: object id > 0 where the user drew an object (counted only on classes >= 2). */
  instances: Int32Array;
  width: number;
  height: number;
  /** Network classes, background included (2 for cell/background). */
  numClasses: number;
  /**
   * Learn object borders (objectBorders.ts): `classes` hold one foreground class (0..2), the
   * network has 3 (`numClasses` must be 3), and each object's outline becomes class 3.
   */
  objectBorders?: boolean;
}

/** A weight map and the matching per-pixel training targets. */
export interface WeightMap {
  /** Per-pixel loss weight w(x), row-major; 0 on unlabelled pixels. */
  weights: Float32Array;
  /** Network class index per pixel (class - 1), 0 where unlabelled (its weight is 0). */
  targets: Uint8Array;
}

/** The border term w0 * exp(-(d1+d2)^2 / (2 sigma^2)) stays below this beyond the cut-off. */
const BORDER_EPSILON = 1e-5;

function checkOptions(w0: number, sigma: number): void {
  if (!Number.isFinite(w0) || w0 < 0) {
    throw new AppError('invalid_argument', `w0 must be a finite number >= 0, got ${w0}`);
  }
  if (!Number.isFinite(sigma) || sigma <= 0) {
    throw new AppError('invalid_argument', `sigma must be a finite number > 0, got ${sigma}`);
  }
}

function checkSize(width: number, height: number, length: number, what: string): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new AppError('invalid_argument', `image size must be positive integers, got ${width}x${height}`);
  }
  if (length !== width * height) {
    throw new AppError(
      'size_mismatch',
      `${what} has ${length} pixels, expected ${width}x${height} = ${width * height}`,
    );
  }
}

/**
 * Weight map of U-Net eq. 2 for a partial annotation. Steps:
 * 1. objects = instance ids on foreground pixels (class >= 2); separation border: an object
 *    pixel touching (3x3) another object becomes labelled background (class 1, no instance);
 * 2. w_c(x) = N / (C * N_c) over labelled pixels only (N labelled pixels, C = numClasses);
 * 3. on background pixels add w0 * exp(-(d1 + d2)^2 / (2 sigma^2)), d1/d2 the Euclidean
 *    distances to the nearest and second-nearest object (0 with fewer than two objects).
 * Unlabelled pixels get weight 0. Distances are evaluated only up to the cut-off where the
 * border term drops below 1e-5, so the result is within 1e-5 of the exact formula.
 * With `objectBorders`, object outlines become class 3 first (withObjectBorders) and the objects
 * of steps 1 and 3 are their interiors, which never touch: no pixel turns background.
 */
export function computeAnnotationWeightMap(args: AnnotationWeightMapArgs): WeightMap {
  const { instances, width, height, numClasses } = args;
  let { classes } = args;
  checkOptions(args.w0 ?? 10, args.sigma ?? 5);
  checkSize(width, height, classes.length, 'classes');
  checkSize(width, height, instances.length, 'instances');
  if (!Number.isInteger(numClasses) || numClasses < 2 || numClasses > 255) {
    throw new AppError('invalid_argument', `numClasses must be an integer in 2..255, got ${numClasses}`);
  }
  const labelClasses = args.objectBorders === true ? 2 : numClasses;
  if (args.objectBorders === true && numClasses !== 3) {
    throw new AppError(
      'invalid_argument',
      `object borders need 3 network classes (background, interior, border), got ${numClasses}`,
    );
  }
  const n = width * height;
  const objects = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = classes[i];
    if (c > labelClasses) {
      throw new AppError(
        'invalid_argument',
        args.objectBorders === true
          ? `class ${c} at pixel ${i}: object borders need one foreground class (values 0..2)`
          : `class ${c} at pixel ${i} exceeds numClasses ${numClasses}`,
      );
    }
    if (c >= 2 && instances[i] > 0) objects[i] = instances[i];
  }
  if (args.objectBorders === true) {
    classes = withObjectBorders(classes, objects, width, height);
    for (let i = 0; i < n; i++) if (classes[i] === BORDER_CLASS) objects[i] = 0;
  }
  return weightMapOfObjects(classes, objects, width, height, numClasses, args);
}

/** Class-balance weights (step 2) and targets, and which pixels are background. */
interface Classified extends WeightMap {
  /** Background pixels are those where classOf[i] === background. */
  classOf: Uint8Array;
  background: number;
}

/** w_c = N / (C * N_c) over labelled pixels, or 1 without class balance; 0 for an absent class. */
function classWeight(count: number, labelled: number, numClasses: number, balance: boolean): number {
  return !balance ? 1 : count > 0 ? labelled / (numClasses * count) : 0;
}

/** Whether to balance: 'auto' balances only when background pixels outnumber the others. */
function balances(balance: ClassBalance, background: number, labelled: number): boolean {
  return balance === 'auto' ? background * 2 > labelled : balance;
}

/** A complete label image: every separated object pixel is class 2, every other one class 1. */
function classifyComplete(separated: Int32Array, balance: ClassBalance): Classified {
  const n = separated.length;
  const targets = new Uint8Array(n);
  let objects = 0;
  for (let i = 0; i < n; i++) {
    if (separated[i] !== 0) {
      targets[i] = 1;
      objects++;
    }
  }
  const on = balances(balance, n - objects, n);
  const weightOf = [classWeight(n - objects, n, 2, on), classWeight(objects, n, 2, on)];
  const weights = new Float32Array(n);
  for (let i = 0; i < n; i++) weights[i] = weightOf[targets[i]];
  return { weights, targets, classOf: targets, background: 0 };
}

/** A partial annotation: an object pixel on the separation border becomes background (1). */
function classifyAnnotation(
  classes: Uint8Array,
  objects: Int32Array,
  separated: Int32Array,
  numClasses: number,
  balance: ClassBalance,
): Classified {
  const n = classes.length;
  const labels = new Uint8Array(n);
  const counts = new Int32Array(numClasses + 1);
  for (let i = 0; i < n; i++) {
    const c = objects[i] !== 0 && separated[i] === 0 ? 1 : classes[i];
    labels[i] = c;
    counts[c]++;
  }
  const on = balances(balance, counts[1], n - counts[0]);
  const weightOf = new Float64Array(numClasses + 1);
  for (let c = 1; c <= numClasses; c++) weightOf[c] = classWeight(counts[c], n - counts[0], numClasses, on);
  const weights = new Float32Array(n);
  const targets = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    if (c === 0) continue;
    targets[i] = c - 1;
    weights[i] = weightOf[c];
  }
  return { weights, targets, classOf: labels, background: 1 };
}

/**
 * Steps 1-3 of {@link computeAnnotationWeightMap} on checked input: `classes` in 0..numClasses,
 * or null for a complete label image (class 2 on objects, 1 elsewhere); `objects` the object id
 * of each pixel (0 = none; ids only on classes >= 2).
 */
export function weightMapOfObjects(
  classes: Uint8Array | null,
  objects: Int32Array,
  width: number,
  height: number,
  numClasses: number,
  opts: WeightMapOptions,
): WeightMap {
  const w0 = opts.w0 ?? 10;
  const sigma = opts.sigma ?? 5;
  checkOptions(w0, sigma);
  checkSize(width, height, objects.length, 'objects');
  const separated = separateInstances(objects, width, height);
  const balance = opts.classBalance ?? true;
  const { weights, targets, classOf, background } =
    classes === null
      ? classifyComplete(separated, balance)
      : classifyAnnotation(classes, objects, separated, numClasses, balance);

  if (w0 > BORDER_EPSILON) {
    // Beyond d1 + d2 > cutOff the border term is < BORDER_EPSILON. A background pixel is at
    // least 1 px from every object, so only objects within cutOff - 1 px can matter.
    const cutOff = sigma * Math.sqrt(2 * Math.log(w0 / BORDER_EPSILON));
    const near = twoNearestDistances(separated, classOf, background, width, height, Math.max(0, cutOff - 1));
    if (near.objectCount >= 2) {
      const { two, none } = near;
      const scale = -1 / (2 * sigma * sigma);
      for (let i = 0; i < weights.length; i++) {
        const s2 = two[2 * i + 1];
        // Only background pixels were asked about: every other one holds `none`.
        if (s2 === none) continue;
        const d = Math.sqrt(two[2 * i]) + Math.sqrt(s2);
        if (d < cutOff) weights[i] += w0 * Math.exp(d * d * scale);
      }
    }
  }
  return { weights, targets };
}
