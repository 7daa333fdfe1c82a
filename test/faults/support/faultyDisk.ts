import { execFileSync } from 'node:child_process';
import { chmod, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A folder whose file system can be made read-only or full, as really as this machine allows:
 * - 'tmpfs': root and `mount` works: a tmpfs of `sizeMiB` MiB, remounted read-only for real;
 * - 'chmod': not root: permissions taken away (EACCES, as on a read-only share);
 * - 'inject': root without mount rights: `inject` is asked to make writes below the folder
 *   fail with the errno (the test wraps node:fs/promises), since root ignores permissions.
 */
export type DiskMode = 'tmpfs' | 'chmod' | 'inject';

export interface FaultyDisk {
  dir: string;
  mode: DiskMode;
  setReadOnly(readOnly: boolean): Promise<void>;
  release(): Promise<void>;
}

/** Makes writes below `prefix` fail with `code` (null: stop). */
export type Inject = (prefix: string | null, code: 'EROFS' | 'ENOSPC') => void;

function tryMount(dir: string, sizeMiB: number): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function chmodTree(dir: string, mode: number): Promise<void> {
  await chmod(dir, mode);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) await chmodTree(join(dir, entry.name), mode);
  }
}

export async function faultyDisk(dir: string, sizeMiB: number, inject: Inject): Promise<FaultyDisk> {
  await mkdir(dir, { recursive: true });
  const isRoot = process.getuid?.() === 0;
  // UNET_FAULT_DISK=inject forces the fallback (to exercise it where tmpfs works).
  const forced = process.env.UNET_FAULT_DISK === 'inject';
  const mode: DiskMode = !forced && tryMount(dir, sizeMiB) ? 'tmpfs' : isRoot || forced ? 'inject' : 'chmod';
  if (process.env.UNET_FAULT_DISK_LOG) process.stderr.write(`faulty disk ${dir}: ${mode}\n`);
  return {
    dir,
    mode,
    setReadOnly: async (readOnly) => {
      if (mode === 'tmpfs') {
        execFileSync('mount', ['-o', `remount,${readOnly ? 'ro' : 'rw'}`, dir], { stdio: 'ignore' });
      } else if (mode === 'chmod') {
        await chmodTree(dir, readOnly ? 0o555 : 0o755);
      } else {
        inject(readOnly ? dir : null, 'EROFS');
      }
    },
    release: async () => {
      inject(null, 'EROFS');
      if (mode === 'tmpfs') execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
      else if (mode === 'chmod') await chmodTree(dir, 0o755);
    },
  };
}
