import type { GeoTIFF } from 'geotiff';
import { AppError } from '../../../shared/errors';
import { parseImageJDescription } from './imagejDescription';
import { type MicroscopyMetadata, type PixelSize, plainMetadata, toMicrometres } from './metadata';
import { isOmeXml, type OmeImage, parseOmeXml } from './omeXml';
import { checkPyramid, parseLevel, type TiffLevel, walkIfds } from './tiffLevel';

type GeoTiffModule = typeof import('geotiff');

/**
 * How a TIFF's directories make one multichannel image: planes (cPlane, z, t), each with its
 * pyramid levels, where a plane holds `samplesPerPlane` channels (RGB: 3; OME/ImageJ
 * channels stored as pages: 1). Channel c lives in plane floor(c / samplesPerPlane).
 */
export interface TiffStructure {
  /** Indexed by (t * sizeZ + z) * planesC + cPlane. */
  planes: TiffLevel[][];
  planesC: number;
  samplesPerPlane: number;
  metadata: MicroscopyMetadata;
}

/**
 * Reads the directories and metadata of an open TIFF: OME-XML (first image; pyramid levels
 * from SubIFDs, or from further OME images that are reductions of the first), an ImageJ
 * hyperstack (pages in XYCZT order), or a plain TIFF (full-resolution pages as z planes,
 * each followed by its reduced-resolution pages or SubIFDs as levels). Every level of every
 * plane is checked against the others; AppErrors name the file.
 */
export async function readTiffStructure(
  geotiff: GeoTiffModule,
  tiff: GeoTIFF,
  fileSize: number,
  name: string,
): Promise<TiffStructure> {
  const pages = await walkIfds(geotiff, tiff, fileSize, name);
  const description = (await pages[0].ifd.loadValue('ImageDescription')) as string | undefined;
  const withSubLevels = async (page: TiffLevel, what: string): Promise<TiffLevel[]> => {
    const levels = [page];
    for (const offset of page.subIfds)
      levels.push(await parseLevel(geotiff, tiff, offset, fileSize, `${name} (${what} SubIFD)`));
    return levels;
  };
  let structure: TiffStructure;
  if (isOmeXml(description)) {
    structure = await omeStructure(parseOmeXml(description, name), pages, withSubLevels, name);
  } else {
    const imagej = parseImageJDescription(description);
    const first = pages[0];
    if (imagej && imagej.images > 1) {
      const planesC = imagej.channels;
      const count = imagej.channels * imagej.slices * imagej.frames;
      if (pages.length < count) {
        throw new AppError(
          'unsupported_format',
          `${name}: the ImageJ description lists ${count} images but the file has ${pages.length} pages (a stack saved without its page directories is not supported).`,
        );
      }
      const planes = await Promise.all(
        pages.slice(0, count).map((page, i) => withSubLevels(page, `page ${i}`)),
      );
      const pixelSize = await resolutionPixelSize(first, imagej.unit, imagej.spacing);
      structure = {
        planes,
        planesC,
        samplesPerPlane: first.samples,
        metadata: {
          source: 'imagej',
          dimensionOrder: 'XYCZT',
          sizeC: planesC * first.samples,
          sizeZ: imagej.slices,
          sizeT: imagej.frames,
          channels: Array.from({ length: planesC * first.samples }, () => ({})),
          ...(pixelSize ? { pixelSize } : {}),
        },
      };
    } else {
      // Plain TIFF: a full-resolution page starts a plane; reduced pages after it are its levels.
      const planes: TiffLevel[][] = [];
      for (const [i, page] of pages.entries()) {
        if (page.reduced && planes.length > 0) planes[planes.length - 1].push(page);
        else planes.push(await withSubLevels(page, `page ${i}`));
      }
      const pixelSize = await resolutionPixelSize(first, imagej?.unit, imagej?.spacing);
      const metadata = plainMetadata(first.samples, pixelSize);
      metadata.sizeZ = planes.length;
      if (imagej) metadata.source = 'imagej';
      structure = { planes, planesC: 1, samplesPerPlane: first.samples, metadata };
    }
  }
  checkPlanes(structure, name);
  return structure;
}

async function omeStructure(
  images: OmeImage[],
  pages: TiffLevel[],
  withSubLevels: (page: TiffLevel, what: string) => Promise<TiffLevel[]>,
  name: string,
): Promise<TiffStructure> {
  const main = images[0];
  const pageOf = (image: OmeImage, index: number, what: string): TiffLevel => {
    const ifd = image.planeIfds[index];
    if (ifd < 0 || ifd >= pages.length) {
      throw new AppError(
        'corrupt_file',
        `${name}: the OME-XML puts ${what} in IFD ${ifd}, which the file does not have.`,
      );
    }
    return pages[ifd];
  };
  const planes: TiffLevel[][] = [];
  for (let i = 0; i < main.planeIfds.length; i++)
    planes.push(await withSubLevels(pageOf(main, i, `plane ${i}`), `plane ${i}`));
  // Older OME pyramids store each level as a further image of the same planes, smaller.
  if (planes.every((levels) => levels.length === 1)) {
    const reductions = images
      .slice(1)
      .filter(
        (image) =>
          image.sizeC === main.sizeC &&
          image.sizeZ === main.sizeZ &&
          image.sizeT === main.sizeT &&
          image.sizeX < main.sizeX &&
          image.sizeY < main.sizeY,
      )
      .sort((a, b) => b.sizeX - a.sizeX);
    for (const image of reductions) {
      planes.forEach((levels, i) => {
        levels.push(pageOf(image, i, `level plane ${i}`));
      });
    }
  }
  return {
    planes,
    planesC: main.sizeC / main.samplesPerPixel,
    samplesPerPlane: main.samplesPerPixel,
    metadata: {
      source: 'ome',
      dimensionOrder: main.dimensionOrder,
      sizeC: main.sizeC,
      sizeZ: main.sizeZ,
      sizeT: main.sizeT,
      channels: main.channels,
      ...(main.pixelSize ? { pixelSize: main.pixelSize } : {}),
    },
  };
}

/** Every plane has the same levels (size, samples, type), and each pyramid is consistent. */
function checkPlanes(structure: TiffStructure, name: string): void {
  const [first] = structure.planes;
  checkPyramid(first, name, 'plane 0');
  if (first[0].samples !== structure.samplesPerPlane) {
    throw new AppError(
      'corrupt_file',
      `${name}: the metadata says ${structure.samplesPerPlane} samples per plane but the first page has ${first[0].samples}.`,
    );
  }
  structure.planes.forEach((levels, p) => {
    if (levels.length !== first.length) {
      throw new AppError(
        'corrupt_file',
        `${name}: the pyramid levels disagree: plane ${p} has ${levels.length} levels, plane 0 has ${first.length}.`,
      );
    }
    levels.forEach((level, l) => {
      const ref = first[l];
      if (
        level.width !== ref.width ||
        level.height !== ref.height ||
        level.samples !== ref.samples ||
        level.bitsPerSample !== ref.bitsPerSample ||
        level.sampleFormat !== ref.sampleFormat
      ) {
        throw new AppError(
          'corrupt_file',
          `${name}: plane ${p} level ${l} is ${level.width}x${level.height} with ${level.samples} x ${level.bitsPerSample}-bit samples, but plane 0 level ${l} is ${ref.width}x${ref.height} with ${ref.samples} x ${ref.bitsPerSample}-bit.`,
        );
      }
    });
  });
}

/**
 * Pixel size from XResolution / YResolution (pixels per unit): ResolutionUnit 2 inch, 3 cm;
 * 1 (none) only when an ImageJ description names the unit. Undefined when the file does not
 * say or the unit is not a length.
 */
async function resolutionPixelSize(
  page: TiffLevel,
  imagejUnit?: string,
  spacing?: number,
): Promise<PixelSize | undefined> {
  const resolution = async (tag: 'XResolution' | 'YResolution'): Promise<number | undefined> => {
    if (!page.ifd.hasTag(tag)) return undefined;
    const value = (await page.ifd.loadValue(tag)) as ArrayLike<number> | number;
    const perUnit = typeof value === 'number' ? value : value.length >= 2 ? value[0] / value[1] : value[0];
    return perUnit > 0 ? 1 / perUnit : undefined;
  };
  const unitCode = Number((await page.ifd.loadValue('ResolutionUnit')) ?? 2);
  const unit = unitCode === 2 ? 'inch' : unitCode === 3 ? 'cm' : imagejUnit;
  const [rx, ry] = [await resolution('XResolution'), await resolution('YResolution')];
  if (rx === undefined || ry === undefined || unit === undefined) return undefined;
  // A plain TIFF of 72 or 300 dpi says how to print it, not how big a pixel is.
  if (imagejUnit === undefined && unitCode === 2 && [72, 96, 150, 300, 600].includes(Math.round(1 / rx)))
    return undefined;
  const x = toMicrometres(rx, unit);
  const y = toMicrometres(ry, unit);
  if (x === undefined || y === undefined) return undefined;
  const z = spacing !== undefined ? toMicrometres(spacing, unit) : undefined;
  return { x, y, ...(z !== undefined ? { z } : {}) };
}
