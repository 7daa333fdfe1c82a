import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Project, PyramidCacheOptions } from '../../engine/index';
import type { ImportResult } from '../../shared/api';
import { AppError } from '../../shared/errors';
import type { ImageEntry } from '../../shared/schemas';
import type { AppContext } from '../AppContext';
import { confinePath } from '../pathPolicy';

/**
 * Copies image files (paths on the main side) into the open project. With a workspace root
 * (browser shell) only files inside the open project's folder may be read. A file the project
 * already holds byte for byte is imported again but named in `duplicates` (the UI warns).
 */
export async function importImages(ctx: AppContext, paths: string[]): Promise<ImportResult> {
  const open = ctx.session.current();
  const allowed =
    ctx.options.workspaceRoot === null
      ? paths
      : await Promise.all(paths.map((path) => confinePath(open.dir, path, 'Image file')));
  const duplicates: string[] = [];
  for (const path of allowed) {
    // A slide is not read whole to compare it: duplicates are looked for among ordinary images.
    const size = await stat(path).then(
      (s) => s.size,
      () => -1,
    );
    if (size < 0 || size > DUPLICATE_CHECK_BYTES) continue;
    const bytes = await readFile(path).catch(() => null);
    if (bytes !== null && (await isDuplicate(open, bytes))) duplicates.push(basename(path));
  }
  const added = await withProgress(ctx, basename(allowed[0] ?? ''), (options) =>
    open.importFiles(allowed, options),
  );
  return { project: ctx.session.changed(), added, duplicates };
}

/** Imports one image sent as bytes (browser drag-and-drop or file input). */
export async function uploadImage(ctx: AppContext, name: string, bytes: Uint8Array): Promise<ImportResult> {
  const open = ctx.session.current();
  const duplicates = (await isDuplicate(open, bytes)) ? [name] : [];
  const added = await withProgress(ctx, name, (options) => open.importBytes(name, bytes, options));
  return { project: ctx.session.changed(), added, duplicates };
}

/** Files larger than this are not compared byte for byte with the project's images. */
const DUPLICATE_CHECK_BYTES = 256 * 2 ** 20;

/**
 * True when an image of the project came from a file with these exact bytes (whatever its
 * name): originals of the same byte length are read and compared, others only stat-ed.
 */
async function isDuplicate(project: Project, bytes: Uint8Array): Promise<boolean> {
  const files = new Set(project.snapshot().images.map((image) => image.file));
  for (const file of files) {
    const path = join(project.dir, 'images', file);
    const size = await stat(path).then(
      (s) => s.size,
      () => -1,
    );
    if (size !== bytes.length) continue;
    const original = await readFile(path).catch(() => null);
    if (original?.equals(bytes)) return true;
  }
  return false;
}

/** Progress events at most this often, ms. */
const PROGRESS_INTERVAL_MS = 150;

/**
 * Runs an import with a cancel signal (cancelImport) and progress events (importProgress) for
 * the multiscale cache a large image may need. Cancelling is not an error: nothing is added.
 */
async function withProgress(
  ctx: AppContext,
  name: string,
  run: (options: PyramidCacheOptions) => Promise<ImageEntry[]>,
): Promise<ImageEntry[]> {
  const controller = new AbortController();
  ctx.imports.add(controller);
  let last = 0;
  const onProgress = (fraction: number) => {
    const now = Date.now();
    if (now - last < PROGRESS_INTERVAL_MS && fraction < 1) return;
    last = now;
    ctx.events.emit('importProgress', { name, fraction });
  };
  try {
    return await run({ signal: controller.signal, onProgress });
  } catch (error) {
    if (error instanceof AppError && error.code === 'cancelled') return [];
    throw error;
  } finally {
    ctx.imports.delete(controller);
    if (last > 0) ctx.events.emit('importProgress', null);
  }
}
