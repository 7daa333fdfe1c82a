import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

/** The lock file is the one file an open project may change without a user action. */
const IGNORED = new Set(['.unet-studio.lock']);

/**
 * Every file below `dir` (relative path -> SHA-256 of its bytes), lock file excluded. Two equal
 * states mean nothing was written, renamed, added or lost; `*.tmp` leftovers show up too.
 */
export async function projectState(dir: string): Promise<Record<string, string>> {
  const state: Record<string, string> = {};
  const walk = async (folder: string): Promise<void> => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (!IGNORED.has(entry.name))
        state[relative(dir, path)] = createHash('sha256')
          .update(await readFile(path))
          .digest('hex');
    }
  };
  await walk(dir);
  return state;
}
