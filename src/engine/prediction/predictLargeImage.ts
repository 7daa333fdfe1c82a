import { AppError } from '../../shared/errors';
import { writeFileAtomic } from '../fsutil/index';
import { isTiffName, LazyTiff, TiledRowWriter, TiledTiffWriter, tiffScale } from '../image/index';
import { type StreamedObject, StreamingComponents } from '../metrics/index';
import type { ModelPredictor, PredictOptions } from './modelPredictor';
import { lazyTiffSource } from './regionSource';

export interface PredictLargeImageArgs extends PredictOptions {
  /** A TIFF or BigTIFF (tiled or stripped), read region by region. */
  input: string;
  /** The class mask: a tiled, deflated BigTIFF with a pyramid (0/255 for two classes, else class). */
  maskPath: string;
  /** One CSV row per connected object of each class (see `objectsCsv`). */
  objectsPath: string;
}

export interface PredictLargeImageResult {
  width: number;
  height: number;
  tiles: number;
  tileSize: number;
  /** Objects in the CSV. */
  objectCount: number;
}

/**
 * Whether `input` goes through `predictLargeImage`: always with `mode` true (a TIFF is needed:
 * 'unsupported_format' otherwise), never with false. With 'auto', TIFFs of more than
 * STREAM_PIXELS pixels (`tiffScale`), except that when `wantsWholeImage` (outputs only the
 * whole-image path writes: probabilities, instance images, TTA) an image the whole-image path
 * can still hold goes there.
 */
export async function shouldStream(
  input: string,
  mode: boolean | 'auto',
  wantsWholeImage = false,
): Promise<boolean> {
  if (mode === 'auto') {
    const scale = await tiffScale(input);
    return scale === 'huge' || (scale === 'large' && !wantsWholeImage);
  }
  if (mode && !isTiffName(input)) {
    throw new AppError('unsupported_format', `${input}: only TIFF/BigTIFF images are streamed`);
  }
  return mode;
}

/** TIFF tile edge of the mask; pyramid levels stop when a level fits one of 1024 px. */
const MASK_TILE = 512;
const SMALLEST_LEVEL = 1024;

/**
 * Segments a TIFF too big to hold with `model.predictRegions` and writes the class mask as a
 * tiled BigTIFF row band by row band (TiledRowWriter) while labelling its objects across the
 * bands (StreamingComponents, 4-connectivity per class), so objects cut by tile or band borders
 * are whole. Memory: the reader's tile cache, one tile row of the mask, one band of the
 * prediction and a few numbers per object. On any error nothing is left at `maskPath` or
 * `objectsPath` (the writer's temporary file is removed).
 */
export async function predictLargeImage(
  model: ModelPredictor,
  args: PredictLargeImageArgs,
): Promise<PredictLargeImageResult> {
  const probe = await LazyTiff.open(args.input);
  // Decoded tiles for 2048 rows (at least an automatic input tile's height) plus two tile rows,
  // across the image: a tile row of prediction tiles then decodes each TIFF tile about once.
  // Between 64 MiB and 1 GiB.
  const level = probe.levels[0];
  const rowBytes = Math.ceil(level.width / level.tileWidth) * level.tileWidth * level.tileHeight;
  const sampleBytes = (probe.bitDepth / 8) * probe.channels;
  const cacheBytes = Math.max(
    64 << 20,
    Math.min(1 << 30, rowBytes * sampleBytes * (2 + 2048 / level.tileHeight)),
  );
  await probe.close();
  const tiff = await LazyTiff.open(args.input, { cacheBytes });
  let writer: TiledTiffWriter | undefined;
  try {
    const source = lazyTiffSource(tiff);
    const { width, height } = source;
    let levels = 1;
    while (levels < 16 && Math.max(width, height) / 2 ** (levels - 1) > SMALLEST_LEVEL) levels++;
    writer = await TiledTiffWriter.create(args.maskPath, {
      width,
      height,
      channels: 1,
      bitDepth: 8,
      tileSize: MASK_TILE,
      levels,
      // The mask keeps the slide's pixel size, so viewers overlay it at the same scale.
      pixelSize: tiff.metadata.pixelSize,
    });
    const rows = new TiledRowWriter(writer);
    const components = new StreamingComponents(width);
    const twoClasses = model.classCount === 2;
    const { tiles, tileSize } = await model.predictRegions(
      source,
      async (band) => {
        components.addRows(band.classes, band.rows);
        const mask = twoClasses ? band.classes.map((c) => c * 255) : band.classes;
        await rows.writeRows(mask, band.rows);
      },
      args,
    );
    await rows.close();
    const { objects } = components.finish();
    await writeFileAtomic(args.objectsPath, objectsCsv(objects));
    return { width, height, tiles, tileSize, objectCount: objects.length };
  } catch (error) {
    await writer?.abort();
    throw error;
  } finally {
    await tiff.close();
  }
}

/**
 * CSV of objects: id, class, area (px), centroid x/y (px, pixel centres at integers), bounding
 * box left/top/width/height (px).
 */
export function objectsCsv(objects: StreamedObject[]): string {
  const lines = ['id,class,area,centroid_x,centroid_y,bbox_x,bbox_y,bbox_width,bbox_height'];
  for (const o of objects) {
    lines.push(
      `${o.id},${o.value},${o.area},${round(o.centroidX)},${round(o.centroidY)},${o.x},${o.y},${o.width},${o.height}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function round(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}
