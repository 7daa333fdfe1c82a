import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { AppError } from '../shared/errors';

/** The real path of `path`, resolving symlinks of its deepest existing ancestor. */
async function realPathOf(path: string): Promise<string> {
  const full = resolve(path);
  try {
    return await realpath(full);
  } catch {
    const parent = dirname(full);
    if (parent === full) return full;
    return resolve(await realPathOf(parent), relative(parent, full));
  }
}

/** True when `path` is `folder` or lies below it (after resolving `..` and symlinks). */
export async function isInside(folder: string, path: string): Promise<boolean> {
  const [root, target] = await Promise.all([realPathOf(folder), realPathOf(path)]);
  const rel = relative(root, target);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/**
 * Refuses a path outside `folder` with AppError 'forbidden_path' naming both (browser shell:
 * file access stays within the workspace / project folder). Returns the resolved path.
 */
export async function confinePath(folder: string, path: string, what: string): Promise<string> {
  if (!(await isInside(folder, path))) {
    throw new AppError(
      'forbidden_path',
      `${what} ${path} is outside the allowed folder ${resolve(folder)}: choose a folder inside it.`,
    );
  }
  return resolve(path);
}

/**
 * The workspace rule of a studio service: with a workspace root (browser shell) `path` must lie
 * inside it ('forbidden_path' otherwise, returned resolved); without one it is returned as is.
 */
export function confineToWorkspace(
  workspaceRoot: string | null,
  path: string,
  what: string,
): Promise<string> {
  return workspaceRoot === null ? Promise.resolve(path) : confinePath(workspaceRoot, path, what);
}
