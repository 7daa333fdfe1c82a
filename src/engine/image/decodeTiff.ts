import { decode, type TiffIfd } from 'tiff';
import { AppError } from '../../shared/errors';
import { checkImageSize, checkSampleCount, type ImageInfo, type RasterImage } from './rasterImage';

/** Compression schemes the `tiff` decoder reads: none, LZW, Deflate (both tag values). */
const READABLE_COMPRESSION = new Set([1, 5, 8, 32946]);

/**
 * Decodes the pages of a TIFF (all of them, or the ones listed) with the `tiff` library.
 * 8/16-bit unsigned samples keep their depth, 32-bit float stays float, signed 8/16-bit
 * integers become float32 (their values kept). Palette images expand to RGB (gray when the
 * palette is gray), gray+alpha widens to RGBA. Every IFD is validated first, so that 64-bit
 * and complex samples, unknown compressions and truncated strips give an AppError naming the
 * file instead of a crash or a black image.
 */
export function decodeTiff(bytes: Uint8Array, name: string, pages?: number[]): RasterImage[] {
  const ifds = tiffDirectories(bytes, name);
  const wanted = pages ?? ifds.map((_, i) => i);
  for (const page of wanted) {
    if (!Number.isInteger(page) || page < 0 || page >= ifds.length) {
      throw new AppError('invalid_argument', `${name}: page ${page} does not exist (${ifds.length} pages).`);
    }
    validateIfd(ifds[page], bytes.length, `${name} (page ${page})`);
  }
  let decoded: TiffIfd[];
  try {
    decoded = decode(bytes, { pages: wanted });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new AppError('corrupt_file', `${name}: the TIFF file is truncated or corrupt (${reason}).`);
  }
  return decoded.map((ifd, i) => toRaster(ifd, `${name} (page ${wanted[i]})`));
}

/** Size, layout and page count of a TIFF from its directories, without decoding pixels. */
export function tiffInfo(bytes: Uint8Array, name: string): ImageInfo {
  const ifds = tiffDirectories(bytes, name);
  const first = ifds[0];
  validateIfd(first, bytes.length, name);
  const spp = first.samplesPerPixel;
  const channels = first.type === 3 || spp === 3 ? 3 : spp === 1 ? 1 : 4;
  const bitDepth = first.sampleFormat !== 1 ? 32 : first.bitsPerSample === 16 && first.type !== 3 ? 16 : 8;
  return { width: first.width, height: first.height, channels, bitDepth, pages: ifds.length };
}

function tiffDirectories(bytes: Uint8Array, name: string): TiffIfd[] {
  checkIfdChain(bytes, name);
  try {
    return decode(bytes, { ignoreImageData: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new AppError('corrupt_file', `${name}: the TIFF file is truncated or corrupt (${reason}).`);
  }
}

/**
 * Walks the IFD chain (TIFF 6.0, section 2) before the library does: a truncated chain or a
 * loop would otherwise read past the end or never stop.
 */
function checkIfdChain(bytes: Uint8Array, name: string): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = bytes[0] === 0x49;
  if (bytes.length >= 4 && view.getUint16(2, little) === 43) {
    throw new AppError(
      'unsupported_format',
      `${name}: a BigTIFF is decoded asynchronously (decodeImageAsync, readImage, LazyTiff).`,
    );
  }
  const corrupt = (why: string) =>
    new AppError('corrupt_file', `${name}: the TIFF file is truncated or corrupt (${why}).`);
  if (bytes.length < 8) throw corrupt('no header');
  let offset = view.getUint32(4, little);
  const seen = new Set<number>();
  while (offset !== 0) {
    if (seen.has(offset)) throw corrupt('the directory chain loops');
    seen.add(offset);
    if (offset + 2 > bytes.length) throw corrupt('a directory lies past the end of the file');
    const entries = view.getUint16(offset, little);
    const next = offset + 2 + entries * 12;
    if (next + 4 > bytes.length) throw corrupt('a directory lies past the end of the file');
    offset = view.getUint32(next, little);
  }
  if (seen.size === 0) throw corrupt('no image directory');
}

function validateIfd(ifd: TiffIfd, fileLength: number, name: string): void {
  const bits = ifd.bitsPerSample;
  const format = ifd.sampleFormat;
  if (format === 5 || format === 6) {
    throw new AppError(
      'unsupported_format',
      `${name}: complex-valued samples (${bits}-bit) are not supported.`,
    );
  }
  const ok = (format === 3 && bits === 32) || ((format === 1 || format === 2) && (bits === 8 || bits === 16));
  if (!ok && !(bits === 1 && format === 1)) {
    const kind = format === 3 ? 'float' : format === 2 ? 'signed integer' : 'unsigned integer';
    throw new AppError(
      'unsupported_format',
      `${name}: ${bits}-bit ${kind} samples are not supported (use 8/16-bit integer or 32-bit float).`,
    );
  }
  checkImageSize(ifd.width, ifd.height, name);
  if (![0, 1, 2, 3].includes(ifd.type)) {
    throw new AppError(
      'unsupported_format',
      `${name}: photometric interpretation ${ifd.type} is not supported.`,
    );
  }
  if (!READABLE_COMPRESSION.has(ifd.compression)) {
    throw new AppError(
      'unsupported_format',
      `${name}: TIFF compression ${ifd.compression} is not supported (use none, LZW or Deflate).`,
    );
  }
  const spp = ifd.samplesPerPixel;
  if (spp > 4)
    throw new AppError('unsupported_format', `${name}: ${spp} samples per pixel are not supported.`);
  if (ifd.tiled && spp > 1) {
    throw new AppError('unsupported_format', `${name}: tiled multi-channel TIFFs are not supported.`);
  }
  const offsets = ifd.tiled ? ifd.tileOffsets : ifd.stripOffsets;
  const counts = ifd.tiled ? ifd.tileByteCounts : ifd.stripByteCounts;
  if (!offsets || !counts || offsets.length === 0 || counts.length < offsets.length) {
    throw new AppError('corrupt_file', `${name}: the TIFF file is corrupt (no strip table).`);
  }
  for (let i = 0; i < offsets.length; i++) {
    if (offsets[i] + counts[i] > fileLength) {
      throw new AppError('corrupt_file', `${name}: the TIFF file is truncated (pixel data past the end).`);
    }
  }
}

function toRaster(ifd: TiffIfd, name: string): RasterImage {
  const { width, height } = ifd;
  const spp = ifd.samplesPerPixel;
  let data = ifd.data as Uint8Array | Uint16Array | Float32Array;
  if (ifd.sampleFormat === 2) {
    // The library reads signed samples as unsigned: reinterpret the same bits, widen to float.
    const signed =
      data instanceof Uint16Array
        ? new Int16Array(data.buffer, data.byteOffset, data.length)
        : new Int8Array(data.buffer, data.byteOffset, data.length);
    data = Float32Array.from(signed);
  }
  if (data.length < width * height * spp) {
    throw new AppError(
      'corrupt_file',
      `${name}: the TIFF file is truncated or corrupt (pixel data ends early).`,
    );
  }
  if (spp > 1 && ifd.planarConfiguration === 2) data = interleave(data, width * height, spp);
  const bitDepth = data instanceof Uint8Array ? 8 : data instanceof Uint16Array ? 16 : 32;
  if (ifd.type === 3 && spp === 1) return expandPalette(ifd, data);
  if (spp === 2)
    return checkSampleCount({ width, height, channels: 4, bitDepth, data: widenGrayAlpha(data) }, name);
  const channels = spp === 1 ? 1 : spp === 3 ? 3 : 4;
  return checkSampleCount({ width, height, channels, bitDepth, data }, name);
}

/** Planar (all of channel 0, then channel 1, ...) to interleaved. */
function interleave<T extends Uint8Array | Uint16Array | Float32Array>(
  planar: T,
  pixels: number,
  spp: number,
): T {
  const out = new (planar.constructor as { new (n: number): T })(pixels * spp);
  for (let c = 0; c < spp; c++) for (let i = 0; i < pixels; i++) out[i * spp + c] = planar[c * pixels + i];
  return out;
}

function widenGrayAlpha<T extends Uint8Array | Uint16Array | Float32Array>(ga: T): T {
  const n = ga.length / 2;
  const out = new (ga.constructor as { new (n: number): T })(n * 4);
  for (let i = 0; i < n; i++) {
    out[i * 4] = out[i * 4 + 1] = out[i * 4 + 2] = ga[i * 2];
    out[i * 4 + 3] = ga[i * 2 + 1];
  }
  return out;
}

function expandPalette(ifd: TiffIfd, index: Uint8Array | Uint16Array | Float32Array): RasterImage {
  const palette = ifd.palette ?? [];
  const { width, height } = ifd;
  // TIFF colour maps hold 16-bit values (TIFF 6.0, section 5); keep the high byte.
  const isGray = palette.every((c) => c[0] === c[1] && c[1] === c[2]);
  const channels = isGray ? 1 : 3;
  const out = new Uint8Array(width * height * channels);
  for (let i = 0; i < width * height; i++) {
    const colour = palette[index[i]] ?? [0, 0, 0];
    for (let c = 0; c < channels; c++) out[i * channels + c] = colour[c] >> 8;
  }
  return { width, height, channels, bitDepth: 8, data: out };
}
