import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { ImageEntry, IntensityStats } from '../../shared/schemas';
import { writeFileAtomic } from '../fsutil/index';
import { decodeImageAsync, decodeImageInfoAsync, type RasterImage } from '../image/index';
import { intensityStats } from './intensityStats';
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
      thumbnail: thumbnailPng(image, stats),
    });
  }
  const file = await uniqueFileName(dir, originalName);
  await writeFileAtomic(join(dir, 'images', file), bytes);
  const addedAt = new Date().toISOString();
  const stem = basename(originalName.replaceAll('\\', '/'));
  const entries: ImageEntry[] = [];
  for (const { id, page, width, height, channels, bitDepth, stats, thumbnail } of prepared) {
    await writeFileAtomic(thumbnailPath(dir, id), thumbnail);
    entries.push({
      id,
      name: info.pages > 1 ? `${stem} [${page + 1}/${info.pages}]` : stem,
      file,
      page,
      pages: info.pages,
      width,
      height,
      channels,
      bitDepth,
      stats,
      annotation: { labelledPixels: 0, objects: 0 },
      addedAt,
    });
  }
  return entries;
}
