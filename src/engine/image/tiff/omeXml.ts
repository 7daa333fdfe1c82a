import { XMLParser } from 'fast-xml-parser';
import { AppError } from '../../../shared/errors';
import { type ChannelInfo, omeColorToHex, type PixelSize, toMicrometres } from './metadata';

/** One OME `Image` (a series): its size, order, channels and which IFD holds each plane. */
export interface OmeImage {
  name?: string;
  sizeX: number;
  sizeY: number;
  sizeC: number;
  sizeZ: number;
  sizeT: number;
  dimensionOrder: string;
  /** OME pixel type: 'uint8', 'uint16', 'float', ... */
  type: string;
  pixelSize?: PixelSize;
  /** One per channel index c (a Channel with SamplesPerPixel 3 covers three). */
  channels: ChannelInfo[];
  /** Samples each IFD holds (an RGB plane: 3 channels in one IFD). */
  samplesPerPixel: number;
  /** IFD of plane (c / samplesPerPixel, z, t), indexed by `planeIndex`. -1: not in this file. */
  planeIfds: Int32Array;
}

/** Index of plane (cPlane, z, t) in `planeIfds`. */
export function planeIndex(image: OmeImage, cPlane: number, z: number, t: number): number {
  const planesC = image.sizeC / image.samplesPerPixel;
  return (t * image.sizeZ + z) * planesC + cPlane;
}

type Attributes = Record<string, string | undefined>;
type PixelsNode = Attributes & { Channel?: Attributes[]; TiffData?: (Attributes & { UUID?: unknown })[] };

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  removeNSPrefix: true,
  parseAttributeValue: false,
  parseTagValue: false,
  isArray: (name) => ['Image', 'Channel', 'TiffData'].includes(name),
});

/** Whether an ImageDescription is OME-XML (the OME-TIFF specification puts it in IFD 0). */
export function isOmeXml(text: string | undefined): text is string {
  return text !== undefined && /<OME[\s>]/.test(text.slice(0, 4096));
}

/**
 * The images of an OME-XML description (OME data model 2016-06: Image > Pixels > Channel,
 * TiffData). AppError 'corrupt_file' naming `name` when the XML does not parse or its sizes
 * are not positive integers.
 */
export function parseOmeXml(xml: string, name: string): OmeImage[] {
  let root: { OME?: { Image?: (Attributes & { Pixels?: PixelsNode })[] } };
  try {
    root = parser.parse(xml);
  } catch (error) {
    throw new AppError('corrupt_file', `${name}: the OME-XML metadata does not parse`, String(error));
  }
  const images = root.OME?.Image ?? [];
  if (images.length === 0) throw new AppError('corrupt_file', `${name}: the OME-XML metadata lists no image`);
  return images.map((image, i) => {
    const pixels = image.Pixels;
    if (!pixels) throw new AppError('corrupt_file', `${name}: OME image ${i} has no Pixels element`);
    return omeImage(pixels, image.Name, `${name} (OME image ${i})`);
  });
}

function omeImage(pixels: PixelsNode, imageName: string | undefined, name: string): OmeImage {
  const size = (key: string): number => {
    const n = Number(pixels[key] ?? 1);
    if (!Number.isInteger(n) || n < 1)
      throw new AppError('corrupt_file', `${name}: ${key}="${pixels[key]}" is not a positive integer`);
    return n;
  };
  const [sizeX, sizeY, sizeC, sizeZ, sizeT] = ['SizeX', 'SizeY', 'SizeC', 'SizeZ', 'SizeT'].map(size);
  const dimensionOrder = pixels.DimensionOrder ?? 'XYCZT';
  if (!/^XY(CZT|CTZ|ZCT|ZTC|TCZ|TZC)$/.test(dimensionOrder)) {
    throw new AppError('corrupt_file', `${name}: DimensionOrder "${dimensionOrder}" is not an OME order`);
  }
  const channelNodes = pixels.Channel ?? [];
  const samplesPerPixel = Number(channelNodes[0]?.SamplesPerPixel ?? 1) || 1;
  if (sizeC % samplesPerPixel !== 0) {
    throw new AppError(
      'corrupt_file',
      `${name}: SizeC ${sizeC} is not a multiple of SamplesPerPixel ${samplesPerPixel}`,
    );
  }
  const channels: ChannelInfo[] = [];
  for (let c = 0; c < sizeC; c++) {
    const node = channelNodes[Math.floor(c / samplesPerPixel)] ?? {};
    const info: ChannelInfo = {};
    if (node.Name) info.name = samplesPerPixel > 1 ? `${node.Name} ${c % samplesPerPixel}` : node.Name;
    if (node.Color !== undefined && samplesPerPixel === 1) info.color = omeColorToHex(Number(node.Color));
    channels.push(info);
  }
  const physical = (axis: 'X' | 'Y' | 'Z') =>
    pixels[`PhysicalSize${axis}`] === undefined
      ? undefined
      : toMicrometres(Number(pixels[`PhysicalSize${axis}`]), pixels[`PhysicalSize${axis}Unit`] ?? 'µm');
  const [x, y, z] = [physical('X'), physical('Y'), physical('Z')];
  const image: OmeImage = {
    ...(imageName ? { name: imageName } : {}),
    sizeX,
    sizeY,
    sizeC,
    sizeZ,
    sizeT,
    dimensionOrder,
    type: pixels.Type ?? 'uint8',
    channels,
    samplesPerPixel,
    planeIfds: new Int32Array((sizeC / samplesPerPixel) * sizeZ * sizeT).fill(-1),
    ...(x !== undefined && y !== undefined ? { pixelSize: { x, y, ...(z !== undefined ? { z } : {}) } } : {}),
  };
  mapPlanes(image, pixels.TiffData ?? [], name);
  return image;
}

/**
 * Fills `planeIfds` from the TiffData elements: each maps PlaneCount planes, in the image's
 * DimensionOrder starting at (FirstC, FirstZ, FirstT), to consecutive IFDs starting at IFD.
 * No TiffData at all means every plane in order from IFD 0. Planes in other files (a UUID
 * with a FileName) are refused: a multi-file OME-TIFF needs its companion files.
 */
function mapPlanes(image: OmeImage, tiffData: (Attributes & { UUID?: unknown })[], name: string): void {
  const planesC = image.sizeC / image.samplesPerPixel;
  const total = planesC * image.sizeZ * image.sizeT;
  const sizes: Record<string, number> = { C: planesC, Z: image.sizeZ, T: image.sizeT };
  const order = image.dimensionOrder.slice(2).split('');
  // Position of a plane in DimensionOrder -> (c, z, t).
  const decode = (n: number): Record<string, number> => {
    const at: Record<string, number> = {};
    for (const axis of order) {
      at[axis] = n % sizes[axis];
      n = Math.floor(n / sizes[axis]);
    }
    return at;
  };
  const encode = (at: Record<string, number>): number =>
    order.reduceRight((n, axis) => n * sizes[axis] + at[axis], 0);
  const entries = tiffData.length > 0 ? tiffData : [{ IFD: '0', PlaneCount: String(total) }];
  for (const entry of entries) {
    const uuid = entry.UUID as { FileName?: string } | string | undefined;
    if (typeof uuid === 'object' && uuid?.FileName) {
      throw new AppError(
        'unsupported_format',
        `${name}: planes are stored in another file (${uuid.FileName}); multi-file OME-TIFF is not supported`,
      );
    }
    const first = encode({
      C: Number(entry.FirstC ?? 0),
      Z: Number(entry.FirstZ ?? 0),
      T: Number(entry.FirstT ?? 0),
    });
    const ifd = Number(entry.IFD ?? 0);
    const count = Number(entry.PlaneCount ?? (entry.IFD === undefined ? total : 1));
    for (let k = 0; k < count && first + k < total; k++) {
      const at = decode(first + k);
      image.planeIfds[planeIndex(image, at.C, at.Z, at.T)] = ifd + k;
    }
  }
}

/**
 * Minimal OME-XML for one image of `channels` interleaved samples in IFD 0 (pyramid levels
 * live in its SubIFDs): what Bio-Formats, QuPath and tifffile need for size, type and pixel size.
 */
export function formatOmeXml(opts: {
  width: number;
  height: number;
  channels: number;
  bitDepth: 8 | 16 | 32;
  pixelSize?: PixelSize;
}): string {
  const type = opts.bitDepth === 8 ? 'uint8' : opts.bitDepth === 16 ? 'uint16' : 'float';
  const size = opts.pixelSize
    ? ` PhysicalSizeX="${opts.pixelSize.x}" PhysicalSizeXUnit="µm" PhysicalSizeY="${opts.pixelSize.y}" PhysicalSizeYUnit="µm"`
    : '';
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<OME xmlns="http://www.openmicroscopy.org/Schemas/OME/2016-06">' +
    '<Image ID="Image:0" Name="Image0">' +
    `<Pixels ID="Pixels:0" DimensionOrder="XYCZT" Type="${type}" SizeX="${opts.width}" SizeY="${opts.height}" SizeC="${opts.channels}" SizeZ="1" SizeT="1"${size}>` +
    `<Channel ID="Channel:0:0" SamplesPerPixel="${opts.channels}"/>` +
    '<TiffData IFD="0" PlaneCount="1"/>' +
    '</Pixels></Image></OME>'
  );
}
