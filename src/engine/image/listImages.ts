import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { AppError } from '../../shared/errors';
import { fsError } from '../fsutil/atomicWrite';

/** Extensions listed as images (the format itself is still recognised by content). */
export const IMAGE_EXTENSIONS: string[] = ['.png', '.jpg', '.jpeg', '.tif', '.tiff'];

const collator = new Intl.Collator('en', { numeric: true });

/**
 * Full paths of the image files in `dir` (not recursive), by extension (case-insensitive),
 * skipping dotfiles, in natural order (2.png before 10.png). A missing folder -> 'not_found',
 * a file instead of a folder -> 'invalid_argument'.
 */
export async function listImages(dir: string): Promise<string[]> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(dir);
  } catch (error) {
    throw fsError(error, dir);
  }
  if (!info.isDirectory()) throw new AppError('invalid_argument', `${dir} is not a folder.`);
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter(
      (e) =>
        e.isFile() && !e.name.startsWith('.') && IMAGE_EXTENSIONS.includes(extname(e.name).toLowerCase()),
    )
    .map((e) => e.name)
    .sort(collator.compare)
    .map((name) => join(dir, name));
}

/**
 * Maps each path's base name (file name without extension: `0.png` and `0.tif` are both `0`) to
 * the path, the key by which images, labels and predictions are paired. Two files of `dir` with
 * the same base name are ambiguous: AppError 'invalid_argument' naming both.
 */
export function indexByBaseName(paths: string[], dir: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const path of paths) {
    const name = basename(path, extname(path));
    const other = map.get(name);
    if (other !== undefined) {
      throw new AppError(
        'invalid_argument',
        `${dir} holds two images named ${name}: ${basename(other)} and ${basename(path)}.`,
      );
    }
    map.set(name, path);
  }
  return map;
}
