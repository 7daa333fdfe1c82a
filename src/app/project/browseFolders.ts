import { readdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { FolderListing } from '../../shared/api';
import { AppError } from '../../shared/errors';
import type { AppContext } from '../AppContext';
import { confineToWorkspace } from '../pathPolicy';

/** The most entries one listing returns (a folder of thousands of folders is cut, and says so). */
const MAX_FOLDERS = 500;

/**
 * The sub-folders of a folder, for the browser shell's folder picker: `dir` null = the
 * workspace root (the home folder without one). Never leaves the workspace root: its parent is
 * null there. Hidden folders are left out; project folders (with project.json) are marked.
 */
export async function browseFolders(ctx: AppContext, dir: string | null): Promise<FolderListing> {
  const root = ctx.options.workspaceRoot;
  const target = resolve(await confineToWorkspace(root, dir ?? root ?? homedir(), 'Folder'));
  const info = await stat(target).catch(() => null);
  if (info === null) throw new AppError('not_found', `Folder does not exist: ${target}`);
  if (!info.isDirectory()) throw new AppError('invalid_argument', `${target} is a file, not a folder.`);
  const entries = await readdir(target, { withFileTypes: true }).catch(() => {
    throw new AppError('forbidden_path', `The folder ${target} cannot be read.`);
  });
  const names = entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort((a, b) => a.localeCompare(b));
  const folders = await Promise.all(
    names.slice(0, MAX_FOLDERS).map(async (name) => ({
      name,
      isProject: await stat(join(target, name, 'project.json')).then(
        () => true,
        () => false,
      ),
    })),
  );
  const atTop = (root !== null && resolve(root) === target) || dirname(target) === target;
  return {
    dir: target,
    parent: atTop ? null : dirname(target),
    folders,
    truncated: names.length > MAX_FOLDERS,
    isProject: await stat(join(target, 'project.json')).then(
      () => true,
      () => false,
    ),
  };
}
