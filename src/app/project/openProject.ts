import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Project } from '../../engine/index';
import { AppError } from '../../shared/errors';
import type { ProjectSnapshot } from '../../shared/schemas';
import type { AppContext } from '../AppContext';
import { confineToWorkspace } from '../pathPolicy';

/** Creates a project folder (empty or missing) and opens it; 'conflict' when it is the open one. */
export async function createProject(ctx: AppContext, dir: string, name: string): Promise<ProjectSnapshot> {
  const target = await confineToWorkspace(ctx.options.workspaceRoot, dir, 'Project folder');
  const open = ctx.session.open;
  if (open !== null && open.dir === resolve(target))
    throw new AppError('conflict', `${dir} is already open.`);
  return ctx.session.adopt(await Project.create(target, name));
}

/**
 * Opens a project folder (taking its lock); the open one again is a no-op. A missing folder, a
 * file, and a folder without project.json each get their own message naming the path.
 */
export async function openProject(ctx: AppContext, dir: string): Promise<ProjectSnapshot> {
  const target = await confineToWorkspace(ctx.options.workspaceRoot, dir, 'Project folder');
  const open = ctx.session.open;
  if (open !== null && open.dir === resolve(target)) return open.snapshot();
  const info = await stat(target).catch(() => null);
  if (info === null) throw new AppError('not_found', `Folder does not exist: ${resolve(target)}`);
  if (!info.isDirectory())
    throw new AppError('invalid_argument', `${resolve(target)} is a file; choose the project's folder.`);
  return ctx.session.adopt(await Project.open(target));
}
