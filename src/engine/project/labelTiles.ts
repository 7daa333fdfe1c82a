import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { decode, encode } from 'fast-png';
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { TILE_SIZE } from '../../shared/imageData';
import { fsError, syncDir, writeFileAtomic } from '../fsutil/index';

/**
 * Label images stored as sparse tiles: `annotations/<imageId>/<tx>_<ty>.classes.png` (8-bit
 * class map) and `.instances.png` (16-bit object ids), each TILE_SIZE x TILE_SIZE on the
 * full-resolution grid (zero past the image's edge). A tile never annotated (or erased to
 * zero) has no files, so an empty annotation costs nothing on disk or on the wire.
 */

/** Both label images of one tile, TILE_SIZE^2 values each. */
export interface LabelTileData {
  classes: Uint8Array;
  instances: Uint16Array;
}

/** One tile to write; `data` null (or all zero) removes the tile. */
export interface LabelTileWrite {
  tx: number;
  ty: number;
  data: LabelTileData | null;
}

const JOURNAL = 'commit.json';
const TILE_NAME = /^(\d+)_(\d+)\.classes\.png$/;

/** `annotations/<imageId>/`: the tile folder of an image. */
export function labelTileFolder(dir: string, imageId: string): string {
  return join(dir, 'annotations', imageId);
}

function tilePath(folder: string, tx: number, ty: number, part: 'classes' | 'instances'): string {
  return join(folder, `${tx}_${ty}.${part}.png`);
}

/** A tile of zeros (unlabelled). */
export function emptyLabelTile(): LabelTileData {
  return {
    classes: new Uint8Array(TILE_SIZE * TILE_SIZE),
    instances: new Uint16Array(TILE_SIZE * TILE_SIZE),
  };
}

/** [tx, ty] of every stored tile of an image (none when never annotated). */
export async function listLabelTiles(dir: string, imageId: string): Promise<[number, number][]> {
  const names = await readdir(labelTileFolder(dir, imageId)).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw fsError(error, labelTileFolder(dir, imageId));
  });
  const tiles: [number, number][] = [];
  for (const name of names) {
    const m = TILE_NAME.exec(name);
    if (m) tiles.push([Number(m[1]), Number(m[2])]);
  }
  return tiles.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
}

function decodeTile(bytes: Uint8Array, file: string, depth: 8 | 16): Uint8Array | Uint16Array {
  let png: ReturnType<typeof decode>;
  try {
    png = decode(bytes, { checkCrc: true });
  } catch (error) {
    throw new AppError('corrupt_file', `${file} is truncated or corrupt (${String(error)}).`);
  }
  if (png.width !== TILE_SIZE || png.height !== TILE_SIZE || png.channels !== 1 || png.depth !== depth) {
    throw new AppError(
      'corrupt_file',
      `${file} must be a ${TILE_SIZE}x${TILE_SIZE} ${depth}-bit single-channel PNG ` +
        `(found ${png.width}x${png.height}, ${png.depth}-bit, ${png.channels} channels).`,
    );
  }
  return png.data as Uint8Array | Uint16Array;
}

/** The stored tile (tx, ty), or null when it was never annotated. Corrupt -> 'corrupt_file'. */
export async function readLabelTile(
  dir: string,
  imageId: string,
  tx: number,
  ty: number,
): Promise<LabelTileData | null> {
  const folder = labelTileFolder(dir, imageId);
  const read = async (part: 'classes' | 'instances') => {
    const file = tilePath(folder, tx, ty, part);
    try {
      return await readFile(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw fsError(error, file);
    }
  };
  const [classBytes, instanceBytes] = await Promise.all([read('classes'), read('instances')]);
  if (classBytes === null && instanceBytes === null) return null;
  const classes =
    classBytes === null
      ? new Uint8Array(TILE_SIZE * TILE_SIZE)
      : new Uint8Array(decodeTile(classBytes, tilePath(folder, tx, ty, 'classes'), 8));
  const instances =
    instanceBytes === null
      ? new Uint16Array(TILE_SIZE * TILE_SIZE)
      : new Uint16Array(decodeTile(instanceBytes, tilePath(folder, tx, ty, 'instances'), 16));
  return { classes, instances };
}

async function writeSynced(path: string, data: Uint8Array): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function isEmpty(data: LabelTileData | null): boolean {
  return data === null || (!data.classes.some((v) => v !== 0) && !data.instances.some((v) => v !== 0));
}

/** The journal of a tile write: staged files to rename into place, tiles to remove. */
const journalSchema = z.object({
  put: z.array(z.object({ tile: z.string(), classes: z.string(), instances: z.string() })),
  remove: z.array(z.string()),
});
type Journal = z.infer<typeof journalSchema>;

/**
 * Writes tiles of an image as one atomic step, touching only those tiles: the new tiles are
 * staged (written and fsynced beside their targets), a journal naming them is written
 * atomically (the commit point), then they are renamed into place, emptied tiles removed and
 * the journal deleted. A crash before the journal leaves the old tiles; after it,
 * `rollForwardLabelTiles` (run when the project opens) completes the write.
 * Disk full / read-only -> AppError with the old tiles intact.
 */
export async function writeLabelTiles(dir: string, imageId: string, tiles: LabelTileWrite[]): Promise<void> {
  const folder = labelTileFolder(dir, imageId);
  const suffix = `.${randomBytes(6).toString('hex')}.pending`;
  const journal: Journal = { put: [], remove: [] };
  const staged: string[] = [];
  try {
    await mkdir(folder, { recursive: true });
    for (const { tx, ty, data } of tiles) {
      const tile = `${tx}_${ty}`;
      if (data === null || isEmpty(data)) {
        journal.remove.push(tile);
        continue;
      }
      const names = { classes: `${tile}.classes.png${suffix}`, instances: `${tile}.instances.png${suffix}` };
      const size = { width: TILE_SIZE, height: TILE_SIZE, channels: 1 };
      staged.push(names.classes);
      await writeSynced(join(folder, names.classes), encode({ ...size, depth: 8, data: data.classes }));
      staged.push(names.instances);
      await writeSynced(join(folder, names.instances), encode({ ...size, depth: 16, data: data.instances }));
      journal.put.push({ tile, ...names });
    }
    await writeFileAtomic(join(folder, JOURNAL), JSON.stringify(journal));
  } catch (error) {
    await Promise.all(staged.map((name) => rm(join(folder, name), { force: true }).catch(() => {})));
    throw fsError(error, folder);
  }
  await applyJournal(folder, journal);
}

const SAFE_TILE = /^\d+_\d+$/;

async function applyJournal(folder: string, journal: Journal): Promise<void> {
  for (const { tile, classes, instances } of journal.put) {
    if (!SAFE_TILE.test(tile)) continue;
    for (const [part, name] of [
      ['classes', classes],
      ['instances', instances],
    ] as const) {
      // Only a staged file of this tile in this folder (never a path taken from the journal).
      if (!name.startsWith(`${tile}.${part}.png.`) || /[\\/]/.test(name)) continue;
      await rename(join(folder, name), join(folder, `${tile}.${part}.png`)).catch(
        (error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw fsError(error, folder);
        },
      );
    }
  }
  for (const tile of journal.remove) {
    if (!SAFE_TILE.test(tile)) continue;
    await rm(join(folder, `${tile}.classes.png`), { force: true });
    await rm(join(folder, `${tile}.instances.png`), { force: true });
  }
  await syncDir(folder);
  await rm(join(folder, JOURNAL), { force: true });
}

/**
 * Completes a committed tile write that a crash interrupted, then removes staged and temp
 * files no journal names (writes killed before their commit point). Run before any read.
 */
export async function rollForwardLabelTiles(dir: string, imageId: string): Promise<void> {
  const folder = labelTileFolder(dir, imageId);
  let text: string;
  try {
    text = await readFile(join(folder, JOURNAL), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw fsError(error, folder);
    text = '';
  }
  if (text !== '') {
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      // A journal is written atomically, so a torn one is not ours: it names nothing.
    }
    const journal = journalSchema.safeParse(parsed).data;
    if (journal) await applyJournal(folder, journal);
    else await rm(join(folder, JOURNAL), { force: true });
  }
  const names = await readdir(folder).catch(() => [] as string[]);
  const leftovers = names.filter((n) => n.endsWith('.pending') || n.endsWith('.tmp'));
  await Promise.all(leftovers.map((n) => rm(join(folder, n), { force: true })));
}
