import { randomBytes } from 'node:crypto';
import { readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fsError, pathExists } from '../fsutil/index';
import { saveModelFolder, type UNet } from '../model/index';
import type { ModelMetadata } from '../model/types';

/**
 * saveModelFolder into a fresh `<dir>.tmp-XXXX`, then swapped into place (old folder renamed
 * aside, new one renamed in, old removed), so `dir` always holds one whole model: a kill during
 * the save keeps the previous one. A kill between the two renames leaves `<dir>.old-XXXX`,
 * which `recoverModelFolder` (called first) moves back.
 */
export async function saveModelFolderAtomic(dir: string, unet: UNet, metadata: ModelMetadata): Promise<void> {
  await recoverModelFolder(dir);
  const suffix = randomBytes(4).toString('hex');
  const temp = `${dir}.tmp-${suffix}`;
  const aside = `${dir}.old-${suffix}`;
  try {
    await saveModelFolder(temp, unet, metadata);
    const hadOld = await pathExists(dir);
    if (hadOld) await rename(dir, aside);
    await rename(temp, dir);
    if (hadOld) await rm(aside, { recursive: true, force: true });
  } catch (error) {
    await rm(temp, { recursive: true, force: true }).catch(() => {});
    throw fsError(error, dir);
  }
}

/** Removes leftover `<dir>.tmp-*` folders; moves a `<dir>.old-*` back when `dir` is missing. */
export async function recoverModelFolder(dir: string): Promise<void> {
  const parent = dirname(dir);
  const name = basename(dir);
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return;
  }
  let present = names.includes(name);
  for (const entry of names) {
    if (entry.startsWith(`${name}.tmp-`)) {
      await rm(join(parent, entry), { recursive: true, force: true });
    } else if (entry.startsWith(`${name}.old-`)) {
      if (present) {
        await rm(join(parent, entry), { recursive: true, force: true });
      } else {
        await rename(join(parent, entry), dir);
        present = true;
      }
    }
  }
}
