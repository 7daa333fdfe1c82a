import { encodePng } from '../image/index';
import type { ClassInfo } from '../model/types';

/**
 * The package cover (2:1, as bioimage.io asks): the test input on the left (first channel,
 * stretched between its 1st and 99th percentile), the predicted classes on the right in the
 * class colours, the output centred where it lies in the input. `input` is CHW-less: one
 * channel of size x size; `classes` is outSize x outSize class indices.
 */
export function coverPng(
  input: Float32Array,
  size: number,
  classes: Uint8Array,
  outSize: number,
  classInfo: readonly ClassInfo[],
): Uint8Array {
  const width = size * 2;
  const rgb = new Uint8Array(width * size * 3);
  const sorted = Float64Array.from(input).sort();
  const low = sorted[Math.floor(0.01 * (sorted.length - 1))];
  const high = sorted[Math.ceil(0.99 * (sorted.length - 1))];
  const span = high - low || 1;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const v = Math.round(Math.min(1, Math.max(0, (input[y * size + x] - low) / span)) * 255);
      rgb.set([v, v, v], (y * width + x) * 3);
    }
  }
  const colours = classInfo.map((c) => hexColour(c.color));
  const border = (size - outSize) / 2;
  for (let y = 0; y < outSize; y++) {
    for (let x = 0; x < outSize; x++) {
      const colour = colours[classes[y * outSize + x]] ?? [255, 255, 255];
      rgb.set(colour, ((y + border) * width + size + x + border) * 3);
    }
  }
  return encodePng({ width, height: size, channels: 3, bitDepth: 8, data: rgb });
}

/** '#rrggbb' (or '#rgb') to [r, g, b]; anything else is mid gray. */
function hexColour(css: string): [number, number, number] {
  const six = /^#([0-9a-f]{6})$/i.exec(css)?.[1] ?? /^#([0-9a-f]{3})$/i.exec(css)?.[1]?.replace(/./g, '$&$&');
  if (!six) return [128, 128, 128];
  const n = Number.parseInt(six, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
