/**
 * TIFF structure writing (TIFF 6.0 section 2; BigTIFF as in libtiff's BigTIFF design note):
 * headers and image file directories, always little-endian. The writers in this folder lay out
 * pixel data themselves and use this to describe it; nothing here knows about pixels.
 */

/** Field types used by our writers, with their TIFF type code and byte size. */
const FIELD_TYPES = {
  ASCII: { code: 2, size: 1 },
  SHORT: { code: 3, size: 2 },
  LONG: { code: 4, size: 4 },
  RATIONAL: { code: 5, size: 8 },
  DOUBLE: { code: 12, size: 8 },
  LONG8: { code: 16, size: 8 },
  IFD8: { code: 18, size: 8 },
} as const;

export type FieldType = keyof typeof FIELD_TYPES;

/**
 * One directory entry. `values` are numbers (RATIONAL: numerator, denominator pairs) or, for
 * ASCII, a string (a NUL is appended).
 */
export interface TagEntry {
  tag: number;
  type: FieldType;
  values: readonly number[] | string;
}

/** Tag numbers our writers set (TIFF 6.0 appendix A, plus SubIFDs from TIFF technote 1). */
export const TAG = {
  NewSubfileType: 254,
  ImageWidth: 256,
  ImageLength: 257,
  BitsPerSample: 258,
  Compression: 259,
  Photometric: 262,
  ImageDescription: 270,
  StripOffsets: 273,
  SamplesPerPixel: 277,
  RowsPerStrip: 278,
  StripByteCounts: 279,
  XResolution: 282,
  YResolution: 283,
  PlanarConfiguration: 284,
  ResolutionUnit: 296,
  Software: 305,
  TileWidth: 322,
  TileLength: 323,
  TileOffsets: 324,
  TileByteCounts: 325,
  SubIFDs: 330,
  ExtraSamples: 338,
  SampleFormat: 339,
} as const;

/** Bytes of the file header: 8 classic, 16 BigTIFF. */
export function headerSize(bigTiff: boolean): number {
  return bigTiff ? 16 : 8;
}

/** The file header pointing at the first IFD. */
export function encodeHeader(bigTiff: boolean, firstIfd: number): Uint8Array {
  const out = new Uint8Array(headerSize(bigTiff));
  const view = new DataView(out.buffer);
  out.set([0x49, 0x49]); // "II": little-endian
  if (bigTiff) {
    view.setUint16(2, 43, true);
    view.setUint16(4, 8, true); // offsets are 8 bytes
    view.setUint16(6, 0, true);
    view.setBigUint64(8, BigInt(firstIfd), true);
  } else {
    view.setUint16(2, 42, true);
    view.setUint32(4, firstIfd, true);
  }
  return out;
}

/** Bytes the IFD plus its out-of-line values take (what `encodeIfd` returns). */
export function ifdByteLength(entries: readonly TagEntry[], bigTiff: boolean): number {
  const inline = bigTiff ? 8 : 4;
  let size = (bigTiff ? 8 : 2) + entries.length * (bigTiff ? 20 : 12) + (bigTiff ? 8 : 4);
  for (const entry of entries) {
    const bytes = valueBytes(entry);
    if (bytes > inline) size += bytes + (bytes % 2);
  }
  return size;
}

/**
 * Serialises one IFD to be placed at file offset `at` (even), its out-of-line values right
 * after it, entries sorted by tag as the specification requires. `next` is the offset of the
 * following IFD (0: none). `nextField` is where that pointer sits, relative to `at`.
 */
export function encodeIfd(
  entries: readonly TagEntry[],
  at: number,
  bigTiff: boolean,
  next = 0,
): { bytes: Uint8Array; nextField: number } {
  const sorted = [...entries].sort((a, b) => a.tag - b.tag);
  const out = new Uint8Array(ifdByteLength(sorted, bigTiff));
  const view = new DataView(out.buffer);
  const entrySize = bigTiff ? 20 : 12;
  const inline = bigTiff ? 8 : 4;
  let cursor = 0;
  if (bigTiff) view.setBigUint64(0, BigInt(sorted.length), true);
  else view.setUint16(0, sorted.length, true);
  cursor = bigTiff ? 8 : 2;
  const nextField = cursor + sorted.length * entrySize;
  let extra = nextField + (bigTiff ? 8 : 4);
  for (const entry of sorted) {
    const type = FIELD_TYPES[entry.type];
    view.setUint16(cursor, entry.tag, true);
    view.setUint16(cursor + 2, type.code, true);
    const count = valueCount(entry);
    if (bigTiff) view.setBigUint64(cursor + 4, BigInt(count), true);
    else view.setUint32(cursor + 4, count, true);
    const valueField = cursor + (bigTiff ? 12 : 8);
    const bytes = valueBytes(entry);
    if (bytes <= inline) {
      writeValues(view, valueField, entry);
    } else {
      if (bigTiff) view.setBigUint64(valueField, BigInt(at + extra), true);
      else view.setUint32(valueField, at + extra, true);
      writeValues(view, extra, entry);
      extra += bytes + (bytes % 2);
    }
    cursor += entrySize;
  }
  if (bigTiff) view.setBigUint64(nextField, BigInt(next), true);
  else view.setUint32(nextField, next, true);
  return { bytes: out, nextField };
}

function valueCount(entry: TagEntry): number {
  if (typeof entry.values === 'string') return asciiBytes(entry.values).length;
  return entry.type === 'RATIONAL' ? entry.values.length / 2 : entry.values.length;
}

function valueBytes(entry: TagEntry): number {
  if (typeof entry.values === 'string') return asciiBytes(entry.values).length;
  return entry.values.length * (entry.type === 'RATIONAL' ? 4 : FIELD_TYPES[entry.type].size);
}

/** The string as bytes plus the terminating NUL (UTF-8: ImageJ and tifffile read it so). */
function asciiBytes(text: string): Uint8Array {
  const encoded = new TextEncoder().encode(text);
  const out = new Uint8Array(encoded.length + 1);
  out.set(encoded);
  return out;
}

function writeValues(view: DataView, at: number, entry: TagEntry): void {
  if (typeof entry.values === 'string') {
    new Uint8Array(view.buffer, view.byteOffset + at).set(asciiBytes(entry.values));
    return;
  }
  entry.values.forEach((value, i) => {
    switch (entry.type) {
      case 'SHORT':
        view.setUint16(at + i * 2, value, true);
        break;
      case 'LONG':
      case 'RATIONAL':
        view.setUint32(at + i * 4, value, true);
        break;
      case 'DOUBLE':
        view.setFloat64(at + i * 8, value, true);
        break;
      case 'LONG8':
      case 'IFD8':
        view.setBigUint64(at + i * 8, BigInt(value), true);
        break;
      case 'ASCII':
        break;
    }
  });
}

/**
 * A positive number as a RATIONAL (numerator, denominator < 2^32), the best continued-fraction
 * approximation: 2 -> 2/1, 0.325 um -> 40/13 px/um.
 */
export function toRational(value: number): [number, number] {
  const limit = 0xffffffff;
  if (!(value > 0) || !Number.isFinite(value)) return [0, 1];
  let [h0, h1, k0, k1] = [0, 1, 1, 0];
  let x = value;
  for (let i = 0; i < 64; i++) {
    const a = Math.floor(x);
    const h2 = a * h1 + h0;
    const k2 = a * k1 + k0;
    if (h2 > limit || k2 > limit) break;
    [h0, h1, k0, k1] = [h1, h2, k1, k2];
    if (Math.abs(h1 / k1 - value) <= value * 1e-12) break;
    const fraction = x - a;
    if (fraction < 1e-12) break;
    x = 1 / fraction;
  }
  return k1 === 0 ? [Math.min(limit, Math.round(value)), 1] : [h1, k1];
}
