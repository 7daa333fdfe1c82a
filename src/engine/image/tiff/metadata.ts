/**
 * What microscopy TIFFs say about themselves beyond pixels: channel names and colours, the
 * physical pixel size, and how their planes are ordered (OME DimensionOrder or ImageJ's
 * fixed XYCZT).
 */

/** Physical size of one pixel (and of one z step), in micrometres. */
export interface PixelSize {
  x: number;
  y: number;
  z?: number;
}

export interface ChannelInfo {
  /** Name as the file gives it (OME Channel Name, ImageJ label); absent when none. */
  name?: string;
  /** Display colour '#rrggbb' (OME Channel Color); absent when none. */
  color?: string;
}

export interface MicroscopyMetadata {
  /** Where the metadata came from: OME-XML, an ImageJ description, or plain TIFF tags. */
  source: 'ome' | 'imagej' | 'tiff';
  /** Fastest to slowest varying axis, always starting 'XY' (OME's five-letter form). */
  dimensionOrder: string;
  sizeC: number;
  sizeZ: number;
  sizeT: number;
  /** One entry per channel (length sizeC). */
  channels: ChannelInfo[];
  /** In micrometres; absent when the file does not say. */
  pixelSize?: PixelSize;
}

/** Micrometres per unit of the length units OME and ImageJ write (case-sensitive first). */
const MICROMETRES_PER: Record<string, number> = {
  pm: 1e-6,
  Å: 1e-4,
  angstrom: 1e-4,
  nm: 1e-3,
  nanometer: 1e-3,
  µm: 1,
  μm: 1,
  um: 1,
  micron: 1,
  microns: 1,
  micrometer: 1,
  mm: 1e3,
  millimeter: 1e3,
  cm: 1e4,
  centimeter: 1e4,
  m: 1e6,
  meter: 1e6,
  in: 25400,
  inch: 25400,
};

/**
 * A length in micrometres, or undefined for an unknown unit (ImageJ's 'pixel', 'unit') or a
 * value that is not a positive finite number.
 */
export function toMicrometres(value: number, unit: string | undefined): number | undefined {
  if (!(value > 0) || !Number.isFinite(value)) return undefined;
  const factor = MICROMETRES_PER[(unit ?? 'µm').trim()] ?? MICROMETRES_PER[(unit ?? '').trim().toLowerCase()];
  return factor === undefined ? undefined : value * factor;
}

/** OME stores a colour as a signed 32-bit RGBA integer; '#rrggbb' drops the alpha. */
export function omeColorToHex(value: number): string {
  const rgba = value >>> 0;
  return `#${(rgba >>> 8).toString(16).padStart(6, '0')}`;
}

/** Metadata of a file that says nothing: `channels` interleaved samples, one plane. */
export function plainMetadata(channels: number, pixelSize?: PixelSize): MicroscopyMetadata {
  return {
    source: 'tiff',
    dimensionOrder: 'XYCZT',
    sizeC: channels,
    sizeZ: 1,
    sizeT: 1,
    channels: Array.from({ length: channels }, () => ({})),
    ...(pixelSize ? { pixelSize } : {}),
  };
}
