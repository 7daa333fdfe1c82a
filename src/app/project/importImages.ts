import type { ImportResult } from '../../shared/api';
import type { AppContext } from '../AppContext';
import { confinePath } from '../pathPolicy';

/**
 * Copies image files (paths on the main side) into the open project. With a workspace root
 * (browser shell) only files inside the open project's folder may be read.
 */
export async function importImages(ctx: AppContext, paths: string[]): Promise<ImportResult> {
  const open = ctx.session.current();
  const allowed =
    ctx.options.workspaceRoot === null
      ? paths
      : await Promise.all(paths.map((path) => confinePath(open.dir, path, 'Image file')));
  const added = await open.importFiles(allowed);
  return { project: ctx.session.changed(), added };
}

/** Imports one image sent as bytes (browser drag-and-drop or file input). */
export async function uploadImage(ctx: AppContext, name: string, bytes: Uint8Array): Promise<ImportResult> {
  const added = await ctx.session.current().importBytes(name, bytes);
  return { project: ctx.session.changed(), added };
}
