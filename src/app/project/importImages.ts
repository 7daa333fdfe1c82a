import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Project } from '../../engine/index';
import type { ImportResult } from '../../shared/api';
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
    const bytes = await readFile(path).catch(() => null);
    if (bytes !== null && (await isDuplicate(open, bytes))) duplicates.push(basename(path));
  }
  const added = await open.importFiles(allowed);
  return { project: ctx.session.changed(), added, duplicates };
}

/** Imports one image sent as bytes (browser drag-and-drop or file input). */
export async function uploadImage(ctx: AppContext, name: string, bytes: Uint8Array): Promise<ImportResult> {
  const open = ctx.session.current();
  const duplicates = (await isDuplicate(open, bytes)) ? [name] : [];
  const added = await open.importBytes(name, bytes);
  return { project: ctx.session.changed(), added, duplicates };
}

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
