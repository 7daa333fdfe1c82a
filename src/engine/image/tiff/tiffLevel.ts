import type { GeoTIFF, GeoTIFFImage, ImageFileDirectory } from 'geotiff';
import { AppError } from '../../../shared/errors';

type GeoTiffModule = typeof import('geotiff');

/** One stored resolution of one plane: an IFD and what region reads need of it. */
export interface TiffLevel {
  image: GeoTIFFImage;
  ifd: ImageFileDirectory;
  width: number;
  height: number;
  /** Tile edge, or for strips the image width and rows per strip. */
  tileWidth: number;
  tileHeight: number;
  tiled: boolean;
  tilesX: number;
  tilesY: number;
  samples: number;
  /** PlanarConfiguration 2: each sample in its own tiles. */
  planar: boolean;
  bitsPerSample: number;
  /** 1 unsigned, 2 signed, 3 float. */
  sampleFormat: number;
  compression: number;
  /** NewSubfileType bit 0: a reduced-resolution copy of another image. */
  reduced: boolean;
  /** SubIFD offsets (pyramid levels below this one), empty when none. */
  subIfds: number[];
  /** TIFF Predictor (1 none, 2 horizontal differencing, 3 floating point). */
  predictor: number;
}

/** IFDs per file we are willing to walk; a loop or garbage chain stops here. */
const MAX_IFDS = 1_000_000;

/**
 * Walks the IFD chain (TIFF 6.0 section 2) and parses every directory, refusing a chain that
 * loops or points past the end of the file (geotiff would follow a loop for ever).
 */
export async function walkIfds(
  geotiff: GeoTiffModule,
  tiff: GeoTIFF,
  fileSize: number,
  name: string,
): Promise<TiffLevel[]> {
  const levels: TiffLevel[] = [];
  const seen = new Set<number>();
  let offset = Number((tiff as unknown as { firstIFDOffset: number | bigint }).firstIFDOffset);
  while (offset !== 0) {
    if (seen.has(offset)) throw corrupt(name, 'the directory chain loops');
    if (offset >= fileSize) throw corrupt(name, 'a directory lies past the end of the file');
    if (seen.size >= MAX_IFDS) throw corrupt(name, `more than ${MAX_IFDS} directories`);
    seen.add(offset);
    const level = await parseLevel(geotiff, tiff, offset, fileSize, `${name} (page ${levels.length})`);
    levels.push(level);
    offset = Number(level.ifd.nextIFDByteOffset);
  }
  if (levels.length === 0) throw corrupt(name, 'no image directory');
  return levels;
}

/** Parses the directory at `offset` and checks what region reads rely on. */
export async function parseLevel(
  geotiff: GeoTiffModule,
  tiff: GeoTIFF,
  offset: number,
  fileSize: number,
  name: string,
): Promise<TiffLevel> {
  if (offset <= 0 || offset >= fileSize) throw corrupt(name, 'a directory lies past the end of the file');
  let ifd: ImageFileDirectory;
  let image: GeoTIFFImage;
  try {
    ifd = await tiff.parser.parseFileDirectoryAt(offset);
    image = new geotiff.GeoTIFFImage(ifd, tiff.littleEndian, false, tiff.source);
  } catch (error) {
    throw corrupt(name, error instanceof Error ? error.message : String(error));
  }
  const width = image.getWidth();
  const height = image.getHeight();
  if (!(width > 0 && height > 0))
    throw new AppError('corrupt_file', `${name}: the image has no pixels (${width}x${height}).`);
  const bits = Array.from((ifd.getValue('BitsPerSample') as ArrayLike<number> | undefined) ?? [1]);
  const formats = Array.from((ifd.getValue('SampleFormat') as ArrayLike<number> | undefined) ?? [1]);
  const bitsPerSample = bits[0];
  const sampleFormat = formats[0];
  if (bits.some((b) => b !== bitsPerSample) || formats.some((f) => f !== sampleFormat)) {
    throw new AppError(
      'unsupported_format',
      `${name}: samples of different types in one image are not supported`,
    );
  }
  checkSampleType(bitsPerSample, sampleFormat, name);
  const tiled = image.isTiled;
  const tileWidth = image.getTileWidth();
  const tileHeight = image.getTileHeight();
  if (!(tileWidth > 0 && tileHeight > 0)) throw corrupt(name, `tile size ${tileWidth}x${tileHeight}`);
  const samples = image.getSamplesPerPixel();
  const planar = image.planarConfiguration === 2 && samples > 1;
  const tilesX = Math.ceil(width / tileWidth);
  const tilesY = Math.ceil(height / tileHeight);
  const offsets = await ifd.loadValue(tiled ? 'TileOffsets' : 'StripOffsets');
  const counts = await ifd.loadValue(tiled ? 'TileByteCounts' : 'StripByteCounts');
  const blocks = tilesX * tilesY * (planar ? samples : 1);
  if (!offsets || !counts || offsets.length < blocks || counts.length < blocks) {
    throw corrupt(
      name,
      `the ${tiled ? 'tile' : 'strip'} table lists ${offsets?.length ?? 0} of ${blocks} ${tiled ? 'tiles' : 'strips'}`,
    );
  }
  for (let i = 0; i < blocks; i++) {
    const end = Number(offsets[i]) + Number(counts[i]);
    if (Number(counts[i]) > 0 && end > fileSize) {
      throw new AppError(
        'corrupt_file',
        `${name}: ${tiled ? 'tile' : 'strip'} ${i} lies past the end of the file (bytes ${Number(offsets[i])}..${end} of ${fileSize}); the file is truncated or corrupt.`,
      );
    }
  }
  const subIfds = ifd.hasTag('SubIFDs')
    ? Array.from((await ifd.loadValue('SubIFDs')) as ArrayLike<number | bigint>, Number)
    : [];
  return {
    image,
    ifd,
    width,
    height,
    tileWidth,
    tileHeight,
    tiled,
    tilesX,
    tilesY,
    samples,
    planar,
    bitsPerSample,
    sampleFormat,
    compression: Number(ifd.getValue('Compression') ?? 1),
    reduced: (Number(ifd.getValue('NewSubfileType') ?? 0) & 1) === 1,
    subIfds,
    predictor: Number((await ifd.loadValue('Predictor')) ?? 1),
  };
}

/** 8/16-bit integers and 32-bit floats are read; anything else is refused naming the type. */
function checkSampleType(bits: number, format: number, name: string): void {
  const ok = (format === 3 && bits === 32) || ((format === 1 || format === 2) && (bits === 8 || bits === 16));
  if (ok) return;
  const kind =
    format === 3 ? 'float' : format === 2 ? 'signed integer' : format >= 5 ? 'complex' : 'unsigned integer';
  throw new AppError(
    'unsupported_format',
    `${name}: ${bits}-bit ${kind} samples are not supported (use 8/16-bit integer or 32-bit float).`,
  );
}

export function corrupt(name: string, why: string): AppError {
  return new AppError('corrupt_file', `${name}: the TIFF file is truncated or corrupt (${why}).`);
}

/**
 * Checks that the levels of a pyramid agree: the same samples and sample type as the full
 * resolution, each smaller than the one before, and scaled alike in x and y (within the
 * rounding of an odd edge). `what` names the plane in errors.
 */
export function checkPyramid(levels: readonly TiffLevel[], name: string, what: string): void {
  const [base] = levels;
  levels.forEach((level, l) => {
    if (l === 0) return;
    const previous = levels[l - 1];
    const describe = `${what} level ${l} (${level.width}x${level.height})`;
    if (
      level.samples !== base.samples ||
      level.bitsPerSample !== base.bitsPerSample ||
      level.sampleFormat !== base.sampleFormat
    ) {
      throw new AppError(
        'corrupt_file',
        `${name}: the pyramid levels disagree: ${describe} has ${level.samples} x ${level.bitsPerSample}-bit samples, level 0 has ${base.samples} x ${base.bitsPerSample}-bit.`,
      );
    }
    const factor = base.width / level.width;
    const expectedHeight = base.height / factor;
    if (
      level.width >= previous.width ||
      level.height >= previous.height ||
      Math.abs(level.height - expectedHeight) > Math.max(1.5, factor)
    ) {
      throw new AppError(
        'corrupt_file',
        `${name}: the pyramid levels disagree: ${describe} is not a reduction of level ${l - 1} (${previous.width}x${previous.height}) with the aspect of level 0 (${base.width}x${base.height}).`,
      );
    }
  });
}
