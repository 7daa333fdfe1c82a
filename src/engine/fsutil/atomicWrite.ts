import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AppError } from '../../shared/errors';

/**
 * Writes a file atomically: a temporary file in the same folder, fsync, rename over the target,
 * fsync the folder. A crash leaves either the old file or the new one, never half of one.
 * Disk-full and read-only failures become AppErrors ('disk_full', 'read_only') naming the file;
 * the old content is kept.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
    await syncDir(dir);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => {});
    throw fsError(error, path);
  }
}

/** fsyncs a folder so a rename inside it is durable; best effort where a platform cannot. */
export async function syncDir(dir: string): Promise<void> {
  // Not every platform lets a folder be fsynced (Windows); the rename is still atomic there.
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    /* best effort */
  }
}

/** Maps Node file-system errors to AppErrors with a message naming the path. */
export function fsError(error: unknown, path: string): Error {
  if (error instanceof AppError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new AppError('disk_full', `The disk is full: could not write ${path}. Nothing was overwritten.`);
    case 'EROFS':
    case 'EACCES':
    case 'EPERM':
      return new AppError(
        'read_only',
        `No permission to write ${path} (read-only folder?). Nothing was overwritten.`,
      );
    case 'ENOENT':
      return new AppError('not_found', `Not found: ${path}`);
    default:
      return error instanceof Error ? error : new Error(String(error));
  }
}

/** True when something exists at `path` (file or folder). */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
