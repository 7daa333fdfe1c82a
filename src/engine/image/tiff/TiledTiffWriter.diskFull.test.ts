import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// Where the machine cannot mount a tiny tmpfs (not root, no mount rights), writes below
// `disk.prefix` through a file handle fail with ENOSPC once `disk.limit` bytes were written:
// the same error a full disk gives. Otherwise a pass-through.
const disk = vi.hoisted(() => ({ prefix: null as string | null, limit: 0, used: 0 }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const open: typeof real.open = async (path, flags, mode) => {
    const handle = await real.open(path, flags, mode);
    if (disk.prefix === null || !String(path).startsWith(disk.prefix)) return handle;
    const write = handle.write.bind(handle) as (buffer: Uint8Array, ...rest: number[]) => Promise<unknown>;
    const limited = async (buffer: Uint8Array, ...rest: number[]) => {
      disk.used += buffer.byteLength;
      if (disk.used > disk.limit) {
        throw Object.assign(new Error('ENOSPC: no space left on device (injected)'), { code: 'ENOSPC' });
      }
      return write(buffer, ...rest);
    };
    return Object.assign(handle, { write: limited as typeof handle.write });
  };
  const wrapped = { ...real, open };
  return { ...wrapped, default: wrapped };
});

import { TiledTiffWriter } from './TiledTiffWriter';

const DISK_MIB = 1;
let root = '';
let dir = '';
let mode: 'tmpfs' | 'inject' = 'inject';

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'unet-disk-full-'));
  dir = join(root, 'disk');
  await mkdir(dir);
  try {
    // UNET_FAULT_DISK=inject forces the fallback (as test/faults/support/faultyDisk does).
    if (process.getuid?.() !== 0 || process.env.UNET_FAULT_DISK === 'inject') throw new Error('no tmpfs');
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${DISK_MIB}m`, 'tmpfs', dir], { stdio: 'ignore' });
    mode = 'tmpfs';
  } catch {
    disk.prefix = dir;
    disk.limit = DISK_MIB * 2 ** 20;
  }
});
afterAll(async () => {
  if (mode === 'tmpfs') execFileSync('umount', [dir], { stdio: 'ignore' });
  await rm(root, { recursive: true, force: true });
});

describe(`TiledTiffWriter on a disk that fills (${DISK_MIB} MiB)`, () => {
  it('fails with disk_full naming the file, leaves no temporary file and keeps the old file', async () => {
    const path = join(dir, 'mask.tif');
    await writeFile(path, 'the previous mask');
    const side = 2048; // 4 MiB of incompressible samples: the disk fills about a quarter in
    const writer = await TiledTiffWriter.create(path, {
      width: side,
      height: side,
      channels: 1,
      bitDepth: 8,
      tileSize: 256,
    });
    let seed = 1;
    const tile = new Uint8Array(256 * 256);
    const error = await (async () => {
      for (let ty = 0; ty < writer.tilesY; ty++) {
        for (let tx = 0; tx < writer.tilesX; tx++) {
          for (let i = 0; i < tile.length; i++) {
            seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
            tile[i] = seed >>> 24;
          }
          await writer.writeTile(tx, ty, tile);
        }
      }
      await writer.close();
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      code: 'disk_full',
      message: `The disk is full: could not write ${path}. Nothing was overwritten.`,
    });
    expect(await readdir(dir)).toEqual(['mask.tif']);
    expect(await readFile(path, 'utf8')).toBe('the previous mask');
    await expect(writer.close()).rejects.toThrow(/aborted/);
  });
});
