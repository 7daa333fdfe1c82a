import { packRgba } from '../canvas/imageRender';

/** Colours of the difference view (also used by its legend). */
export const DIFF_COLORS = {
  truePositive: '#22c55e',
  falsePositive: '#ef4444',
  falseNegative: '#3b82f6',
} as const;

function rgba(hex: string, alpha = 255): number {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  return m ? packRgba(parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16), alpha) : 0;
}

/** Pixel counts of a difference view (labelled pixels only). */
export interface DiffCounts {
  truePositive: number;
  falsePositive: number;
  falseNegative: number;
  trueNegative: number;
}

/**
 * The difference of a prediction (network classes, 0 = background) and an annotation (project
 * classes: 0 unlabelled, 1 background, 2.. foreground) as packed RGBA: true positives (both
 * foreground), false positives (predicted foreground on labelled background), false negatives
 * (labelled foreground predicted as background) in DIFF_COLORS; agreement on background and
 * unlabelled pixels transparent. Writes into `out` (width * height words) and returns the counts.
 */
export function differenceOverlay(truth: Uint8Array, predicted: Uint8Array, out: Uint32Array): DiffCounts {
  const tp = rgba(DIFF_COLORS.truePositive);
  const fp = rgba(DIFF_COLORS.falsePositive);
  const fn = rgba(DIFF_COLORS.falseNegative);
  const counts: DiffCounts = { truePositive: 0, falsePositive: 0, falseNegative: 0, trueNegative: 0 };
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i];
    if (t === 0) {
      out[i] = 0;
      continue;
    }
    const truthFg = t > 1;
    const predFg = predicted[i] > 0;
    if (truthFg && predFg) {
      out[i] = tp;
      counts.truePositive++;
    } else if (predFg) {
      out[i] = fp;
      counts.falsePositive++;
    } else if (truthFg) {
      out[i] = fn;
      counts.falseNegative++;
    } else {
      out[i] = 0;
      counts.trueNegative++;
    }
  }
  return counts;
}

/**
 * A prediction as packed RGBA: foreground pixels in their class colour (network class c = project
 * class c + 1, looked up in `palette` by project class id), chosen objects (`selected` ids) in
 * yellow; background transparent. (No object outlines: objects are separated by background, and
 * outlines would swamp the small specks of an early model.)
 */
export function predictionOverlay(
  classes: Uint8Array,
  instances: Uint16Array,
  palette: Uint32Array,
  selected: ReadonlySet<number>,
  out: Uint32Array,
): void {
  const chosen = packRgba(250, 204, 21);
  const fallback = packRgba(255, 255, 255);
  for (let i = 0; i < classes.length; i++) {
    const c = classes[i];
    out[i] = c === 0 ? 0 : selected.has(instances[i]) ? chosen : palette[c + 1] || fallback;
  }
}

/** An annotation as packed RGBA: each labelled pixel in its class colour, unlabelled transparent. */
export function truthOverlay(classes: Uint8Array, palette: Uint32Array, out: Uint32Array): void {
  for (let i = 0; i < classes.length; i++) out[i] = classes[i] === 0 ? 0 : palette[classes[i]];
}

/** Foreground probability as a heat overlay (transparent at 0, opaque orange at 1). */
export function probabilityOverlay(foreground: Float32Array, out: Uint32Array): void {
  for (let i = 0; i < foreground.length; i++) {
    const p = Math.max(0, Math.min(1, foreground[i]));
    out[i] = packRgba(255, Math.round(80 + 120 * p), 0, Math.round(220 * p));
  }
}
