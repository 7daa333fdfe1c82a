import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fsError, LazyTiff, readLabelTile, TiledTiffWriter } from '../../engine/index';
import type { ExportRequest } from '../../shared/apiModels';
import { AppError } from '../../shared/errors';
import { TILE_SIZE } from '../../shared/imageData';
import type { ImageEntry } from '../../shared/schemas';
import { hasLargePrediction, largePredictionPaths } from '../prediction/largePrediction';

/** What one large image's export wrote: the mask's columns of objects.csv. */
export interface LargeMaskSummary {
  objects: number;
  foreground: number;
  areas: number[];
}

/**
 * Exports the mask of an image too large to hold as a tiled BigTIFF, tile by tile (memory: a
 * tile): from the hand annotations (its stored label tiles; unannotated tiles are zeros), or from
 * its streamed prediction (classes or binary; the prediction's objects CSV is copied beside the
 * mask as `<base>.objects.csv`, where its object ids are). What cannot be written this way is
 * refused with what to choose instead ('too_large' / 'not_found').
 */
export async function writeLargeMask(
  projectDir: string,
  request: ExportRequest,
  entry: ImageEntry,
  path: string,
): Promise<LargeMaskSummary> {
  const size = `${entry.width}x${entry.height}`;
  if (request.format !== 'tif')
    throw new AppError('too_large', `it is ${size}: its mask is written as a tiled TIFF only; choose TIFF`);
  await mkdir(dirname(path), { recursive: true }).catch((error: unknown) => {
    throw fsError(error, dirname(path));
  });
  if (request.source === 'annotation') return annotationMask(projectDir, request.kind, entry, path);
  const modelId = request.modelId ?? '';
  if (!(await hasLargePrediction(projectDir, modelId, entry.id)))
    throw new AppError('not_found', `not predicted by ${modelId} yet`);
  if (request.kind === 'instances')
    throw new AppError(
      'too_large',
      `it is ${size}: its predicted objects are listed in the objects CSV written with a classes or binary mask; choose one of those`,
    );
  if ((request.minObjectArea ?? 0) > 0)
    throw new AppError(
      'too_large',
      `it is ${size}: its objects are not filtered by area; set the minimum area to 0`,
    );
  const files = largePredictionPaths(projectDir, modelId, entry.id);
  const objects = await readObjects(files.objects);
  const twoClasses = objects.every((o) => o.cls <= 1);
  await copyFile(files.objects, path.replace(/\.tif$/, '.objects.csv')).catch((error: unknown) => {
    throw fsError(error, path);
  });
  // Stored as 0/255 (two classes) or the network class; classes masks use the project's ids.
  const value =
    request.kind === 'binary'
      ? (v: number) => (v > 0 ? 255 : 0)
      : (v: number) => (twoClasses ? (v > 0 ? 2 : 1) : v + 1);
  const source = await LazyTiff.open(files.mask);
  try {
    await writeTiles(path, entry, 8, async (x, y, width, height) => {
      const { data } = await source.readRegion({ x, y, width, height });
      return Uint8Array.from(data, value);
    });
  } finally {
    await source.close();
  }
  const areas = objects.map((o) => o.area);
  return { objects: areas.length, foreground: areas.reduce((a, b) => a + b, 0), areas };
}

async function annotationMask(
  projectDir: string,
  kind: ExportRequest['kind'],
  entry: ImageEntry,
  path: string,
): Promise<LargeMaskSummary> {
  const byId = new Map<number, number>();
  let foreground = 0;
  await writeTiles(path, entry, kind === 'instances' ? 16 : 8, async (x, y, width, height) => {
    const tile = await readLabelTile(projectDir, entry.id, x / TILE_SIZE, y / TILE_SIZE);
    const out = kind === 'instances' ? new Uint16Array(width * height) : new Uint8Array(width * height);
    if (tile === null) return out;
    for (let row = 0; row < height; row++)
      for (let col = 0; col < width; col++) {
        const i = row * TILE_SIZE + col;
        const c = tile.classes[i];
        const id = tile.instances[i];
        if (c >= 2) foreground++;
        if (id > 0) byId.set(id, (byId.get(id) ?? 0) + 1);
        out[row * width + col] = kind === 'instances' ? id : kind === 'binary' ? (c >= 2 ? 255 : 0) : c;
      }
    return out;
  });
  return { objects: byId.size, foreground, areas: [...byId.values()] };
}

/** Writes a one-channel tiled BigTIFF of the image's size, TILE_SIZE tiles from `tile`. */
async function writeTiles(
  path: string,
  entry: ImageEntry,
  bitDepth: 8 | 16,
  tile: (x: number, y: number, width: number, height: number) => Promise<Uint8Array | Uint16Array>,
): Promise<void> {
  const writer = await TiledTiffWriter.create(path, {
    width: entry.width,
    height: entry.height,
    channels: 1,
    bitDepth,
    tileSize: TILE_SIZE,
    pixelSize: entry.pixelSize,
  });
  try {
    for (let ty = 0; ty < writer.tilesY; ty++)
      for (let tx = 0; tx < writer.tilesX; tx++) {
        const x = tx * TILE_SIZE;
        const y = ty * TILE_SIZE;
        const w = Math.min(TILE_SIZE, entry.width - x);
        const h = Math.min(TILE_SIZE, entry.height - y);
        await writer.writeTile(tx, ty, await tile(x, y, w, h));
      }
    await writer.close();
  } catch (error) {
    await writer.abort();
    throw error;
  }
}

/** Class and area of each object of a streamed prediction's CSV (see objectsCsv). */
async function readObjects(file: string): Promise<{ cls: number; area: number }[]> {
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    throw fsError(error, file);
  });
  return text
    .trim()
    .split('\n')
    .slice(1)
    .filter((line) => line.length > 0)
    .map((line) => {
      const [, cls, area] = line.split(',').map(Number);
      return { cls, area };
    });
}
