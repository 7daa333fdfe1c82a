/**
 * Turning raw image pixels (8- or 16-bit, 1-4 channels) into display RGBA through an intensity
 * window [min, max] and a lookup table. Display buffers are Uint32Array views of RGBA bytes on a
 * little-endian machine (every browser we target), i.e. 0xAABBGGRR.
 */

/** Colour lookup tables for single-channel images. */
export type LutName = 'gray' | 'inverted' | 'fire' | 'green' | 'magenta';

export const LUT_NAMES: readonly LutName[] = ['gray', 'inverted', 'fire', 'green', 'magenta'];

/** Raw pixels as the API delivers them: row-major, channels interleaved. */
export interface RawImage {
  width: number;
  height: number;
  channels: number;
  bitDepth: 8 | 16;
  data: Uint8Array | Uint16Array;
}

/** Packs r, g, b (0..255) into an opaque little-endian RGBA word. */
export function packRgba(r: number, g: number, b: number, a = 255): number {
  return ((a << 24) | (b << 16) | (g << 8) | r) >>> 0;
}

/** Packed colour of LUT `name` at t in [0, 1] (no allocation: called 65536 times per LUT). */
function lutWord(name: LutName, t: number): number {
  const v = Math.round(t * 255);
  switch (name) {
    case 'gray':
      return packRgba(v, v, v);
    case 'inverted':
      return packRgba(255 - v, 255 - v, 255 - v);
    case 'fire': // black -> red -> yellow -> white
      return packRgba(ramp(3 * t), ramp(3 * t - 1), ramp(3 * t - 2));
    case 'green':
      return packRgba(0, v, 0);
    case 'magenta':
      return packRgba(v, 0, v);
  }
}

function ramp(s: number): number {
  return Math.round(Math.min(1, Math.max(0, s)) * 255);
}

/**
 * Table mapping each raw value 0..2^bitDepth-1 to packed RGBA: values <= min are black (t = 0),
 * >= max white (t = 1), linear between. min == max acts as a threshold.
 */
export function buildLut(bitDepth: 8 | 16, min: number, max: number, name: LutName): Uint32Array {
  const size = 1 << bitDepth;
  const lut = new Uint32Array(size);
  const span = max > min ? max - min : 1;
  for (let v = 0; v < size; v++) {
    lut[v] = lutWord(name, Math.min(1, Math.max(0, (v - min) / span)));
  }
  return lut;
}

/**
 * The values at percentiles lo and hi (0..100) of the first channel, from a histogram: the
 * smallest value v with count(<= v) >= p% of pixels. Used for auto contrast (0.5 / 99.5).
 */
export function percentileWindow(image: RawImage, lo = 0.5, hi = 99.5): { min: number; max: number } {
  const { data, channels } = image;
  const hist = new Uint32Array(1 << image.bitDepth);
  const n = Math.floor(data.length / channels);
  for (let i = 0; i < n; i++) hist[data[i * channels]]++;
  const find = (p: number) => {
    const target = Math.max(1, Math.ceil((p / 100) * n));
    let acc = 0;
    for (let v = 0; v < hist.length; v++) {
      acc += hist[v];
      if (acc >= target) return v;
    }
    return hist.length - 1;
  };
  return { min: find(lo), max: find(hi) };
}

/**
 * Writes display pixels for `image` into `out` (width * height words). One channel goes through
 * `lut`; 3-4 channels are shown as RGB with the window applied to each channel (LUT ignored);
 * 2 channels show the first.
 */
export function renderImage(image: RawImage, lut: Uint32Array, out: Uint32Array): void {
  const { data, channels } = image;
  const n = image.width * image.height;
  if (channels < 3) {
    if (channels === 1) for (let i = 0; i < n; i++) out[i] = lut[data[i]];
    else for (let i = 0; i < n; i++) out[i] = lut[data[i * channels]];
    return;
  }
  // Colour images: the LUT's red byte is the windowed level (inverted for 'inverted'), per channel.
  const gray = new Uint8Array(lut.length);
  for (let v = 0; v < lut.length; v++) gray[v] = lut[v] & 0xff;
  for (let i = 0; i < n; i++) {
    const j = i * channels;
    out[i] = packRgba(gray[data[j]], gray[data[j + 1]], gray[data[j + 2]]);
  }
}
