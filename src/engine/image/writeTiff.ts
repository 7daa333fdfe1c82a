import { writeFileAtomic } from '../fsutil/atomicWrite';
import { assertImageSamples, type MultiChannelImage } from './rasterImage';
import {
  encodeHeader,
  encodeIfd,
  headerSize,
  ifdByteLength,
  TAG,
  type TagEntry,
  toRational,
} from './tiff/ifd';
import { formatImageJDescription } from './tiff/imagejDescription';
import type { PixelSize } from './tiff/metadata';

export interface TiffWriteOptions {
  /** Pixel width/height in micrometres: written as ImageJ `unit=micron` plus resolution tags. */
  pixelSize?: PixelSize;
  /**
   * 'samples': one page, channels as interleaved samples (gray, RGB, RGBA: what every reader
   * shows as a plain image). 'hyperstack': one page per channel with an ImageJ hyperstack
   * description, which Fiji opens as a composite. Default: 'samples' for 1, 3 and 4
   * channels, 'hyperstack' for 2.
   */
  layout?: 'samples' | 'hyperstack';
}

/** Classic TIFF offsets are 32-bit; past this (with room for the IFDs) BigTIFF is written. */
const CLASSIC_LIMIT = 2 ** 32 - 2 ** 20;

/**
 * Encodes an image as an uncompressed little-endian TIFF that ImageJ/Fiji, tifffile and Pillow
 * read: uint8, uint16 or float32 samples (SampleFormat 1 or 3), 1 to 4 channels (see
 * `layout`), one strip per page, an ImageJ ImageDescription, and with `pixelSize` the
 * XResolution / YResolution tags in pixels per micrometre (ResolutionUnit none, as ImageJ
 * writes them) so that Fiji shows micrometres. No geographic tags.
 */
export async function encodeTiff(
  img: MultiChannelImage,
  name = 'TIFF image',
  options: TiffWriteOptions = {},
): Promise<Uint8Array> {
  return encodeTiffSync(img, name, options);
}

/** `encodeTiff` without the promise (the writer does no I/O). */
export function encodeTiffSync(
  img: MultiChannelImage,
  name: string,
  options: TiffWriteOptions = {},
): Uint8Array {
  assertImageSamples(img, name, [1, 2, 3, 4], 'a TIFF is written with 1 to 4');
  const { width, height, channels, bitDepth } = img;
  const layout = options.layout ?? (channels === 2 ? 'hyperstack' : 'samples');
  const pages = layout === 'hyperstack' ? splitChannels(img) : [img.data];
  const samplesPerPage = layout === 'hyperstack' ? 1 : channels;
  const pageBytes = width * height * samplesPerPage * (bitDepth / 8);
  const dataBytes = pageBytes * pages.length;
  const bigTiff = dataBytes > CLASSIC_LIMIT;
  const bytesPerSample = bitDepth / 8;
  const description = formatImageJDescription({
    channels: layout === 'hyperstack' ? channels : 1,
    hasPixelSize: options.pixelSize !== undefined,
  });
  const ifds: TagEntry[][] = pages.map((_, page) => {
    const dataOffset = headerSize(bigTiff) + page * pageBytes;
    const perSample = (value: number) => Array.from({ length: samplesPerPage }, () => value);
    const offsetType = bigTiff ? 'LONG8' : 'LONG';
    const entries: TagEntry[] = [
      { tag: TAG.NewSubfileType, type: 'LONG', values: [0] },
      { tag: TAG.ImageWidth, type: 'LONG', values: [width] },
      { tag: TAG.ImageLength, type: 'LONG', values: [height] },
      { tag: TAG.BitsPerSample, type: 'SHORT', values: perSample(bitDepth) },
      { tag: TAG.Compression, type: 'SHORT', values: [1] },
      { tag: TAG.Photometric, type: 'SHORT', values: [samplesPerPage >= 3 ? 2 : 1] },
      { tag: TAG.StripOffsets, type: offsetType, values: [dataOffset] },
      { tag: TAG.SamplesPerPixel, type: 'SHORT', values: [samplesPerPage] },
      { tag: TAG.RowsPerStrip, type: 'LONG', values: [height] },
      { tag: TAG.StripByteCounts, type: offsetType, values: [pageBytes] },
      { tag: TAG.PlanarConfiguration, type: 'SHORT', values: [1] },
      { tag: TAG.SampleFormat, type: 'SHORT', values: perSample(bitDepth === 32 ? 3 : 1) },
      { tag: TAG.Software, type: 'ASCII', values: 'U-Net Studio' },
    ];
    // ImageJ reads the description of the first page only.
    if (page === 0) entries.push({ tag: TAG.ImageDescription, type: 'ASCII', values: description });
    // Gray + alpha is not a TIFF photometric; two samples are two unspecified channels.
    if (samplesPerPage === 4) entries.push({ tag: TAG.ExtraSamples, type: 'SHORT', values: [2] });
    if (samplesPerPage === 2) entries.push({ tag: TAG.ExtraSamples, type: 'SHORT', values: [0] });
    if (options.pixelSize) entries.push(...resolutionTags(options.pixelSize));
    return entries;
  });
  const ifdAt: number[] = [];
  let offset = headerSize(bigTiff) + dataBytes;
  for (const entries of ifds) {
    ifdAt.push(offset);
    offset += ifdByteLength(entries, bigTiff);
  }
  const parts = [encodeHeader(bigTiff, ifdAt[0])];
  for (const page of pages) parts.push(sampleBytes(page, bytesPerSample));
  // Each IFD points at the next.
  ifds.forEach((entries, i) => {
    parts.push(encodeIfd(entries, ifdAt[i], bigTiff, ifdAt[i + 1] ?? 0).bytes);
  });
  return concat(parts, offset);
}

/** XResolution / YResolution in pixels per micrometre, ResolutionUnit 1 (none), as ImageJ. */
export function resolutionTags(pixelSize: PixelSize): TagEntry[] {
  return [
    { tag: TAG.XResolution, type: 'RATIONAL', values: toRational(1 / pixelSize.x) },
    { tag: TAG.YResolution, type: 'RATIONAL', values: toRational(1 / pixelSize.y) },
    { tag: TAG.ResolutionUnit, type: 'SHORT', values: [1] },
  ];
}

/** Writes a TIFF atomically (see `encodeTiff` for the layout). */
export async function writeTiff(
  path: string,
  img: MultiChannelImage,
  options: TiffWriteOptions = {},
): Promise<void> {
  await writeFileAtomic(path, encodeTiffSync(img, path, options));
}

/** Interleaved channels to one plane per channel. */
function splitChannels(img: MultiChannelImage): MultiChannelImage['data'][] {
  const n = img.width * img.height;
  const Ctor = img.data.constructor as new (length: number) => MultiChannelImage['data'];
  return Array.from({ length: img.channels }, (_, c) => {
    const plane = new Ctor(n);
    for (let i = 0; i < n; i++) plane[i] = img.data[i * img.channels + c];
    return plane;
  });
}

/** Samples as little-endian bytes (the typed arrays are little-endian on every platform we run). */
function sampleBytes(data: MultiChannelImage['data'], bytesPerSample: number): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.length * bytesPerSample);
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
