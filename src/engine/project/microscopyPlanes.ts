import type { IntensityStats, PixelSize } from '../../shared/schemas';
import {
  checkImageSize,
  LazyTiff,
  type MicroscopyMetadata,
  type MultiChannelImage,
  sniffFormat,
} from '../image/index';
import { intensityStats } from './intensityStats';

/** What a TIFF says about itself beyond pixels, for the manifest. */
export interface MicroscopyInfo {
  metadata: MicroscopyMetadata;
  /** True when the file is a hyperstack whose channels lie on separate pages (import as planes). */
  channelPlanes: boolean;
}

/**
 * Reads the metadata of a TIFF or BigTIFF (OME-XML, ImageJ description, resolution tags); null
 * for PNG/JPEG and for TIFFs the region reader does not open (1-bit, palette: those import as
 * plain pages). `channelPlanes` is true for an OME or ImageJ file of 2+ channels stored one per
 * page: such a file imports as one image per (z, t) plane holding every channel.
 */
export async function microscopyInfo(bytes: Uint8Array, name: string): Promise<MicroscopyInfo | null> {
  if (sniffFormat(bytes.subarray(0, 16), name) !== 'tiff') return null;
  let tiff: LazyTiff;
  try {
    tiff = await LazyTiff.open(bytes, { name });
  } catch {
    return null;
  }
  await tiff.close();
  const metadata = tiff.metadata;
  const channelPlanes = metadata.source !== 'tiff' && metadata.sizeC > 1 && tiff.pageSamples === 1;
  return { metadata, channelPlanes };
}

/** One (z, t) plane of a hyperstack with all its channels, and what the manifest keeps of it. */
export interface DecodedPlane {
  z: number;
  t: number;
  image: MultiChannelImage;
  stats: IntensityStats;
  channelStats: IntensityStats[];
}

/**
 * Decodes the planes of a hyperstack one at a time (z fastest, then t), each with every
 * channel kept apart. Size limits as for any image ('too_large' naming the file).
 */
export async function* decodePlanes(bytes: Uint8Array, name: string): AsyncGenerator<DecodedPlane> {
  const tiff = await LazyTiff.open(bytes, { name });
  try {
    checkImageSize(tiff.width, tiff.height, name);
    const { sizeZ, sizeT } = tiff.metadata;
    for (let t = 0; t < sizeT; t++) {
      for (let z = 0; z < sizeZ; z++) {
        const image = await tiff.readRegion({ x: 0, y: 0, width: tiff.width, height: tiff.height, z, t });
        yield { z, t, image, stats: intensityStats(image.data), channelStats: perChannelStats(image) };
      }
    }
  } finally {
    await tiff.close();
  }
}

/** Statistics of each channel of an interleaved image. */
export function perChannelStats(image: MultiChannelImage): IntensityStats[] {
  const n = image.width * image.height;
  const out: IntensityStats[] = [];
  for (let c = 0; c < image.channels; c++) {
    const Ctor = image.data.constructor as new (length: number) => MultiChannelImage['data'];
    const plane = new Ctor(n);
    for (let i = 0; i < n; i++) plane[i] = image.data[i * image.channels + c];
    out.push(intensityStats(plane));
  }
  return out;
}

/**
 * The channel fields of a manifest entry: names and colours where the file gives any (else
 * absent), and the pixel size.
 */
export function channelFields(
  metadata: MicroscopyMetadata | undefined,
  channels: number,
): { channelNames?: string[]; channelColors?: string[]; pixelSize?: PixelSize } {
  if (metadata === undefined) return {};
  const named = metadata.channels.length === channels ? metadata.channels : [];
  const names = named.map((c) => c.name ?? '');
  const colors = named.map((c) => c.color ?? '');
  return {
    ...(names.some((n) => n !== '') ? { channelNames: names } : {}),
    ...(colors.some((c) => c !== '') ? { channelColors: colors } : {}),
    ...(metadata.pixelSize ? { pixelSize: roundedSize(metadata.pixelSize) } : {}),
  };
}

/**
 * A pixel size to 9 significant digits: resolution tags store pixels per unit as a rational, so
 * 0.325 µm comes back as 0.32499999999999996; no microscope is that precise.
 */
function roundedSize(size: PixelSize): PixelSize {
  const r = (v: number) => Number(v.toPrecision(9));
  return { x: r(size.x), y: r(size.y), ...(size.z !== undefined ? { z: r(size.z) } : {}) };
}

/**
 * An 8-bit RGB thumbnail source for a multichannel plane: up to the first three channels as
 * red, green, blue (two channels: green and magenta), each stretched over its own low..high.
 */
export function compositeForThumbnail(
  image: MultiChannelImage,
  channelStats: IntensityStats[],
): { width: number; height: number; channels: 3; data: Uint8Array } {
  const n = image.width * image.height;
  const out = new Uint8Array(n * 3);
  // Which output colour each of the first channels adds to (r, g, b weights).
  const weights =
    image.channels === 2
      ? [
          [0, 1, 0],
          [1, 0, 1],
        ]
      : [
          [1, 0, 0],
          [0, 1, 0],
          [0, 0, 1],
        ];
  const used = Math.min(image.channels, weights.length);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < used; c++) {
      const { low, high } = channelStats[c];
      const v = ((image.data[i * image.channels + c] - low) / (high > low ? high - low : 1)) * 255;
      const level = Math.max(0, Math.min(255, v));
      for (let k = 0; k < 3; k++) {
        if (weights[c][k]) out[i * 3 + k] = Math.min(255, out[i * 3 + k] + Math.round(level));
      }
    }
  }
  return { width: image.width, height: image.height, channels: 3, data: out };
}
