import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
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
