import { AppError } from '../../shared/errors';
import type { RasterImage } from '../image/rasterImage';
import { compactLabels, connectedComponents } from './connectedComponents';

/** A mask read from an image: class per pixel and object id per pixel (0 = none). */
export interface MaskLabels {
  classes: Uint8Array;
  instances: Int32Array;
  kind: 'binary' | 'instances' | 'classes';
}

/**
 * Interprets a mask image for evaluation:
 * - 'binary': at most two distinct values, one of them 0 (0/255, 0/1, 0/v; a 16-bit or float
 *   image with values {0, v} too): classes 0/1, objects = connected components with
 *   4-connectivity (diagonal contact does not join two cells, as in the ISBI 2012 scripts).
 * - 'instances': 16-bit (or integer float) images with more than two values, and colour
 *   images whose pixels are not gray: every nonzero id (or non-black colour) is one object,
 *   even when split in pieces; classes = id > 0.
 * - 'classes': 8-bit images with more than two values: the value is the class index (0 =
 *   background); objects = connected components of each class.
 * Gray colour images use their first channel; alpha is ignored. A float image with fractional
 * values is a probability map, thresholded at 0.5. A two-valued image without 0 ->
 * 'invalid_argument' (which value would be background?).
 */
export function maskFromImage(img: RasterImage): MaskLabels {
  const { width, height, channels, data } = img;
  const n = width * height;
  if (channels > 1 && !isGrayColour(img)) {
    const ids = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const o = i * channels;
      ids[i] = data[o] * 65536 * 65536 + data[o + 1] * 65536 + data[o + 2]; // black -> 0
    }
    return asInstances(compactLabels(ids));
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = data[i * channels];
  if (img.bitDepth === 32 && values.some((v) => !Number.isInteger(v))) {
    return binary(
      values.map((v) => (v > 0.5 ? 1 : 0)),
      width,
      height,
    );
  }
  const distinct = new Set<number>();
  for (let i = 0; i < n && distinct.size <= 2; i++) distinct.add(values[i]);
  if (distinct.size <= 2) {
    if (distinct.size === 2 && !distinct.has(0)) {
      throw new AppError(
        'invalid_argument',
        `A mask with values ${[...distinct].join(' and ')} has no 0: cannot tell background from objects.`,
      );
    }
    return binary(values, width, height);
  }
  if (img.bitDepth === 8) {
    const classes = Uint8Array.from(values);
    return { classes, instances: connectedComponents(classes, width, height, 4).labels, kind: 'classes' };
  }
  return asInstances(compactLabels(values));
}

/** 1 where `values` is above 0, else 0. A plain loop: TypedArray.from with a mapping callback
 * costs ~100 ns a pixel in V8, most of the CLI's weightmap time on 512x512 images. */
function positive(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i] > 0 ? 1 : 0;
  return out;
}

function binary(values: ArrayLike<number>, width: number, height: number): MaskLabels {
  const classes = positive(values);
  return { classes, instances: connectedComponents(classes, width, height, 4).labels, kind: 'binary' };
}

function asInstances({ labels }: { labels: Int32Array }): MaskLabels {
  return { classes: positive(labels), instances: labels, kind: 'instances' };
}

function isGrayColour({ width, height, channels, data }: RasterImage): boolean {
  for (let i = 0; i < width * height; i++) {
    const o = i * channels;
    if (data[o] !== data[o + 1] || data[o] !== data[o + 2]) return false;
  }
  return true;
}
