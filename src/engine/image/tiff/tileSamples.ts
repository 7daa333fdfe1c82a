import { endianness } from 'node:os';
import { AppError } from '../../../shared/errors';
import type { PixelData } from '../rasterImage';
import type { TiffLevel } from './tiffLevel';

const NATIVE_LITTLE_ENDIAN = endianness() === 'LE';

/** What geotiff's decoders read from a directory (tile size, predictor, JPEG tables). */
export function decoderParameters(level: TiffLevel) {
  return {
    tileWidth: level.tileWidth,
    tileHeight: level.tileHeight,
    planarConfiguration: level.planar ? 2 : 1,
    bitsPerSample: Array.from({ length: level.samples }, () => level.bitsPerSample),
    predictor: level.predictor,
    samplesPerPixel: level.samples,
    JPEGTables: level.ifd.getValue('JPEGTables'),
  };
}

/** Decoded bytes to samples in native order: byte-swapped when the file is big-endian. */
export function toSamples(
  raw: ArrayBufferLike,
  level: TiffLevel,
  count: number,
  littleEndian: boolean,
  name: string,
): PixelData {
  const bytesPer = level.bitsPerSample / 8;
  if (raw.byteLength < count * bytesPer) {
    throw new AppError(
      'corrupt_file',
      `${name}: a ${level.tiled ? 'tile' : 'strip'} decodes to ${raw.byteLength} of ${count * bytesPer} bytes; the file is corrupt.`,
    );
  }
  const view = new DataView(raw, 0, count * bytesPer);
  const { bitsPerSample: bits, sampleFormat: format } = level;
  if (format === 1 && bits === 8) return new Uint8Array(raw, 0, count);
  if (format === 1 && bits === 16) {
    if (littleEndian === NATIVE_LITTLE_ENDIAN) return new Uint16Array(raw.slice(0, count * 2));
    const out = new Uint16Array(count);
    for (let i = 0; i < count; i++) out[i] = view.getUint16(i * 2, littleEndian);
    return out;
  }
  if (format === 3 && littleEndian === NATIVE_LITTLE_ENDIAN) return new Float32Array(raw.slice(0, count * 4));
  const out = new Float32Array(count);
  if (format === 3) for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, littleEndian);
  else if (bits === 8) for (let i = 0; i < count; i++) out[i] = view.getInt8(i);
  else for (let i = 0; i < count; i++) out[i] = view.getInt16(i * 2, littleEndian);
  return out;
}

export function newSamples(bitDepth: 8 | 16 | 32, length: number): PixelData {
  return bitDepth === 8
    ? new Uint8Array(length)
    : bitDepth === 16
      ? new Uint16Array(length)
      : new Float32Array(length);
}
