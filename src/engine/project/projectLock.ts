import { randomBytes } from 'node:crypto';
import { open, readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { fsError } from '../fsutil/index';

/** Lock file name inside a project folder. */
export const LOCK_FILE = '.unet-studio.lock';

/** The lock file: who holds the project (token and time may be missing in hand-made files). */
const lockContentSchema = z.object({
  pid: z.number(),
  host: z.string(),
  token: z.unknown().transform((v) => String(v ?? '')),
  since: z.unknown().transform((v) => String(v ?? '')),
});
type LockContent = z.infer<typeof lockContentSchema>;

/** A held project lock; `release` removes the file if it is still ours. */
export interface ProjectLock {
  readonly file: string;
  release(): Promise<void>;
}

/** True when a process with this pid exists (EPERM: exists but owned by someone else). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the one-instance lock of a project folder (a file created with O_EXCL). Held by a
 * live process (this one included) -> AppError 'locked' naming the pid; left by a process that
 * died on this host (or unreadable) -> taken over.
 */
export async function acquireProjectLock(dir: string, isAlive = isProcessAlive): Promise<ProjectLock> {
  const file = join(dir, LOCK_FILE);
  const mine: LockContent = {
    pid: process.pid,
    host: hostname(),
    token: randomBytes(8).toString('hex'),
    since: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(file, 'wx');
      try {
        await handle.writeFile(JSON.stringify(mine));
        await handle.sync();
      } finally {
        await handle.close();
      }
      return { file, release: () => releaseLock(file, mine.token) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw fsError(error, file);
    }
    const holder = await readLock(file);
    if (holder !== null && (holder.host !== mine.host || isAlive(holder.pid))) {
      throw new AppError(
        'locked',
        `The project ${dir} is already open in another U-Net Studio (pid ${holder.pid} on ${holder.host}, ` +
          `since ${holder.since}). Close it there first. If that program is gone, delete ${file}.`,
      );
    }
    // Stale: its process is gone (or the file is unreadable). Take it over.
    await rm(file, { force: true });
  }
  throw new AppError('locked', `Could not take the lock ${file}: another instance keeps taking it.`);
}

async function readLock(file: string): Promise<LockContent | null> {
  try {
    return lockContentSchema.safeParse(JSON.parse(await readFile(file, 'utf8'))).data ?? null;
  } catch {
    return null;
  }
}

async function releaseLock(file: string, token: string): Promise<void> {
  const holder = await readLock(file);
  if (holder?.token === token) await rm(file, { force: true });
}
