import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../engine/index';
import { type RecentProject, recentProjectSchema } from '../../shared/schemas';

/** How many recent projects are remembered. */
export const MAX_RECENT = 12;

/**
 * The per-user config folder: `UNET_STUDIO_CONFIG_DIR` when set (tests), else the platform's
 * (`%APPDATA%`, `~/Library/Application Support`, `$XDG_CONFIG_HOME` or `~/.config`) + `/unet-studio`.
 */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.UNET_STUDIO_CONFIG_DIR) return env.UNET_STUDIO_CONFIG_DIR;
  if (process.platform === 'win32' && env.APPDATA) return join(env.APPDATA, 'unet-studio');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'unet-studio');
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'unet-studio');
}

const recentFileSchema = z.object({ recent: z.array(recentProjectSchema) });

function recentFile(env?: NodeJS.ProcessEnv): string {
  return join(configDir(env), 'recent-projects.json');
}

/** Recent projects, most recent first; folders that no longer exist are left out. */
export async function readRecentProjects(env?: NodeJS.ProcessEnv): Promise<RecentProject[]> {
  let list: RecentProject[];
  try {
    list = recentFileSchema.parse(JSON.parse(await readFile(recentFile(env), 'utf8'))).recent;
  } catch {
    // Missing or damaged: the list is a convenience, start over rather than fail.
    return [];
  }
  const present = await Promise.all(
    list.map((entry) =>
      stat(entry.dir).then(
        (s) => s.isDirectory(),
        () => false,
      ),
    ),
  );
  return list.filter((_, i) => present[i]);
}

/** Puts `dir` first in the recent list (atomically rewritten). */
export async function rememberProject(dir: string, name: string, env?: NodeJS.ProcessEnv): Promise<void> {
  const old = await readRecentProjects(env);
  const recent = [{ dir, name, openedAt: new Date().toISOString() }, ...old.filter((r) => r.dir !== dir)];
  await writeFileAtomic(
    recentFile(env),
    `${JSON.stringify({ recent: recent.slice(0, MAX_RECENT) }, null, 2)}\n`,
  );
}
