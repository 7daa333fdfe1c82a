import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { ImageEntry, IntensityStats } from '../../shared/schemas';
import { writeFileAtomic } from '../fsutil/index';
import { decodeImageAsync, decodeImageInfoAsync, type RasterImage } from '../image/index';
import { intensityStats } from './intensityStats';
import {
  channelFields,
  compositeForThumbnail,
  decodePlanes,
  type MicroscopyInfo,
  microscopyInfo,
  perChannelStats,
} from './microscopyPlanes';
import { thumbnailPng } from './thumbnail';

/** A fresh image id: `img_` + 12 hex digits (path-safe, never derived from user input). */
export function newImageId(): string {
  return `img_${randomBytes(6).toString('hex')}`;
}

/** `images/cache/<id>.thumb.png`. */
export function thumbnailPath(dir: string, imageId: string): string {
  return join(dir, 'images', 'cache', `${imageId}.thumb.png`);
}

/** A safe file name for the copy: base name only, odd characters replaced, unique in `images/`. */
export async function uniqueFileName(dir: string, originalName: string): Promise<string> {
  const base =
    basename(originalName.replaceAll('\\', '/'))
      .replace(/[^\w.\- ]+/g, '_')
      .replace(/^\.+/, '') || 'image';
  const taken = new Set((await readdir(join(dir, 'images'))).map((n) => n.toLowerCase()));
  const ext = extname(base);
  const stem = base.slice(0, base.length - ext.length);
  let candidate = base;
  for (let i = 2; taken.has(candidate.toLowerCase()); i++) candidate = `${stem}-${i}${ext}`;
  return candidate;
}

/**
 * Imports one image file given as bytes: checks that it decodes (headers first, so a huge or
 * corrupt file is refused before it is copied), copies the bytes unchanged to `images/`,
 * and writes a thumbnail per page. Returns one entry per page (the caller adds them to the
 * manifest). `originalName` names the file in errors and entries. `onDecoded` sees each
 * decoded page with its future id (the project keeps the last ones in its pixel cache).
 */
export async function importImage(
  dir: string,
  bytes: Uint8Array,
  originalName: string,
  onDecoded?: (imageId: string, image: RasterImage, stats: IntensityStats) => void,
): Promise<ImageEntry[]> {
  const micro = await microscopyInfo(bytes, originalName);
  if (micro?.channelPlanes) return importPlanes(dir, bytes, originalName, micro);
  const info = await decodeImageInfoAsync(bytes, originalName);
  const prepared = [];
  for (let page = 0; page < info.pages; page++) {
    const [image] = await decodeImageAsync(bytes, originalName, info.pages > 1 ? page : undefined);
    const stats = intensityStats(image.data);
    const { width, height, channels, bitDepth } = image;
    const id = newImageId();
    onDecoded?.(id, image, stats);
    // Keep only what the entry needs: a long stack must not hold every decoded page.
    prepared.push({
      id,
      page,
      width,
      height,
      channels,
      bitDepth,
      stats,
      ...(channels > 1 ? { channelStats: perChannelStats(image) } : {}),
      ...channelFields(micro?.metadata, channels),
      thumbnail: thumbnailPng(image, stats),
    });
  }
  const file = await uniqueFileName(dir, originalName);
  await writeFileAtomic(join(dir, 'images', file), bytes);
  const addedAt = new Date().toISOString();
  const stem = basename(originalName.replaceAll('\\', '/'));
  const entries: ImageEntry[] = [];
  for (const { thumbnail, ...entry } of prepared) {
    await writeFileAtomic(thumbnailPath(dir, entry.id), thumbnail);
    entries.push({
      ...entry,
      name: info.pages > 1 ? `${stem} [${entry.page + 1}/${info.pages}]` : stem,
      file,
      pages: info.pages,
      annotation: { labelledPixels: 0, objects: 0 },
      addedAt,
    });
  }
  return entries;
}

/**
 * Imports an OME-TIFF or ImageJ hyperstack whose channels lie on separate pages: one entry per
 * (z, t) plane holding every channel (not one per page), with channel names, colours and the
 * pixel size from the file. The original is copied byte for byte as any image is.
 */
async function importPlanes(
  dir: string,
  bytes: Uint8Array,
  originalName: string,
  micro: MicroscopyInfo,
): Promise<ImageEntry[]> {
  const { sizeZ, sizeT, sizeC } = micro.metadata;
  const planes = sizeZ * sizeT;
  const stem = basename(originalName.replaceAll('\\', '/'));
  const prepared = [];
  for await (const plane of decodePlanes(bytes, originalName)) {
    const { width, height, bitDepth } = plane.image;
    const page = plane.z + plane.t * sizeZ;
    const where = [sizeZ > 1 ? `z ${plane.z + 1}/${sizeZ}` : '', sizeT > 1 ? `t ${plane.t + 1}/${sizeT}` : '']
      .filter((w) => w !== '')
      .join(', ');
    prepared.push({
      id: newImageId(),
      name: planes > 1 ? `${stem} [${where}]` : stem,
      page,
      pages: planes,
      plane: { z: plane.z, t: plane.t },
      width,
      height,
      channels: sizeC,
      bitDepth,
      stats: plane.stats,
      channelStats: plane.channelStats,
      ...channelFields(micro.metadata, sizeC),
      thumbnail: thumbnailPng(compositeForThumbnail(plane.image, plane.channelStats), {
        min: 0,
        max: 255,
        low: 0,
        high: 255,
      }),
    });
  }
  const file = await uniqueFileName(dir, originalName);
  await writeFileAtomic(join(dir, 'images', file), bytes);
  const addedAt = new Date().toISOString();
  const entries: ImageEntry[] = [];
  for (const { thumbnail, ...entry } of prepared) {
    await writeFileAtomic(thumbnailPath(dir, entry.id), thumbnail);
    entries.push({ ...entry, file, annotation: { labelledPixels: 0, objects: 0 }, addedAt });
  }
  return entries;
}
