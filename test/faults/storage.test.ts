import { mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// Writes below `fault.prefix` fail with `fault.code` (used only where the machine cannot make a
// real read-only or full file system; see support/faultyDisk.ts). Otherwise a pass-through.
const fault = vi.hoisted(() => ({ prefix: null as string | null, code: 'EROFS' as 'EROFS' | 'ENOSPC' }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const hit = (path: unknown) => fault.prefix !== null && String(path).startsWith(fault.prefix);
  const fail = (path: unknown) =>
    Object.assign(new Error(`${fault.code}: injected, ${String(path)}`), { code: fault.code });
  const writing = (flags: unknown) => typeof flags === 'string' && /[wa+]/.test(flags);
  const wrapped = {
    ...real,
    open: (path: Parameters<typeof real.open>[0], flags?: string | number, mode?: number) =>
      hit(path) && writing(flags) ? Promise.reject(fail(path)) : real.open(path, flags, mode),
    writeFile: (path: Parameters<typeof real.writeFile>[0], ...rest: [never, never?]) =>
      hit(path) ? Promise.reject(fail(path)) : real.writeFile(path, ...rest),
    rename: (from: string, to: string) =>
      hit(to) && fault.code === 'EROFS' ? Promise.reject(fail(to)) : real.rename(from, to),
    mkdir: (path: string, options?: Parameters<typeof real.mkdir>[1]) =>
      hit(path) && fault.code === 'EROFS' ? Promise.reject(fail(path)) : real.mkdir(path, options),
  };
  return { ...wrapped, default: wrapped };
});

import { invokeApi } from '../../src/app/index';
import { Project } from '../../src/engine/index';
import { projectState } from '../bad-input/support/projectState';
import { appErrorOf } from '../support/appError';
import { createTestService } from '../support/testService';
import { type FaultyDisk, faultyDisk } from './support/faultyDisk';

const inject = (prefix: string | null, code: 'EROFS' | 'ENOSPC') => {
  fault.prefix = prefix;
  fault.code = code;
};

const SIZE = 128;
/** A gray test image as PNG bytes (random-ish pixels, so it does not compress to nothing). */
async function imageBytes(): Promise<Uint8Array> {
  const { encode } = await import('fast-png');
  const data = Uint8Array.from({ length: SIZE * SIZE }, (_, i) => (i * 2654435761) >>> 24);
  return encode({ width: SIZE, height: SIZE, data, depth: 8, channels: 1 });
}
const patch = (value: number) => ({
  x: 10,
  y: 20,
  w: 30,
  h: 5,
  classes: new Uint8Array(150).fill(value),
  instances: new Uint16Array(150).fill(value === 2 ? 7 : 0),
});

/** A one-pixel edit at (0, 0), saved once the disk works again. */
const dot = { x: 0, y: 0, w: 1, h: 1, classes: Uint8Array.of(1), instances: Uint16Array.of(0) };

/** Closes and reopens: the refused edit (patch 2) and the later dot are both on disk. */
async function expectPersisted(project: Project, dir: string, imageId: string): Promise<void> {
  await project.close();
  const reopened = await Project.open(dir);
  try {
    const annotation = await reopened.readAnnotation(imageId);
    expect([
      annotation.classes[20 * SIZE + 10],
      annotation.instances[20 * SIZE + 10],
      annotation.classes[0],
    ]).toEqual([2, 7, 1]);
  } finally {
    await reopened.close();
  }
}

let root: string;
const disks: FaultyDisk[] = [];
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'unet-storage-'));
});
afterAll(async () => {
  for (const disk of disks) await disk.release();
  await rm(root, { recursive: true, force: true });
});

describe('storage faults: a clear message and nothing lost', () => {
  it('read-only project folder: saves and imports fail with read_only; the saved state stays', async () => {
    const disk = await faultyDisk(join(root, 'ro'), 4, inject);
    disks.push(disk);
    const dir = join(disk.dir, 'project');
    const project = await Project.create(dir, 'read-only');
    const [entry] = await project.importBytes('cells.png', await imageBytes());
    await project.saveAnnotationPatch(entry.id, patch(1));
    const before = await projectState(dir);
    const saved = await project.readAnnotation(entry.id);

    await disk.setReadOnly(true);
    const save = await appErrorOf(project.saveAnnotationPatch(entry.id, patch(2)));
    expect([disk.mode, save.code]).toEqual([disk.mode, 'read_only']);
    expect(save.message).toContain(join(dir, 'annotations'));
    const imported = await appErrorOf(project.importBytes('more.png', await imageBytes()));
    expect(imported.code).toBe('read_only');
    const classes = await appErrorOf(project.updateClasses([{ id: 1, name: 'bg', color: '#000000' }]));
    expect(classes.code).toBe('read_only');
    // On disk: the saved state, byte for byte. In memory the refused edit is kept (not lost):
    // the next save that succeeds writes it.
    expect((await project.readAnnotation(entry.id)).classes[20 * SIZE + 10]).toBe(2);
    expect(saved.classes[20 * SIZE + 10]).toBe(1);
    expect(project.snapshot().images).toHaveLength(1);
    expect(project.snapshot().classes.map((c) => c.name)).toEqual(['background', 'cell']);
    expect(await projectState(dir)).toEqual(before);
    // A second open of a read-only project says so (its lock cannot be written).
    const second = await appErrorOf(Project.open(dir));
    expect(['read_only', 'locked']).toContain(second.code);

    await disk.setReadOnly(false);
    await project.saveAnnotationPatch(entry.id, dot);
    await expectPersisted(project, dir, entry.id);
  });

  it('disk full: disk_full, the old label files and manifest intact, no staged files left', async () => {
    const disk = await faultyDisk(join(root, 'full'), 1, inject);
    disks.push(disk);
    const dir = join(disk.dir, 'project');
    const project = await Project.create(dir, 'full');
    const [entry] = await project.importBytes('cells.png', await imageBytes());
    await project.saveAnnotationPatch(entry.id, patch(1));
    const before = await projectState(dir);
    const saved = await project.readAnnotation(entry.id);

    const filler = join(disk.dir, 'filler.bin');
    if (disk.mode === 'tmpfs') {
      // Fill the 1 MiB tmpfs to the last byte.
      const chunk = new Uint8Array(64 * 1024);
      await writeFile(filler, new Uint8Array(0));
      const { open } = await import('node:fs/promises');
      const handle = await open(filler, 'a');
      try {
        for (;;) await handle.write(chunk);
      } catch (error) {
        expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
      } finally {
        await handle.close();
      }
    } else inject(disk.dir, 'ENOSPC');

    const save = await appErrorOf(project.saveAnnotationPatch(entry.id, patch(2)));
    expect([disk.mode, save.code]).toEqual([disk.mode, 'disk_full']);
    expect(save.message).toMatch(/disk is full/);
    expect(save.message).toContain(join(dir, 'annotations'));
    expect((await project.readAnnotation(entry.id)).classes[20 * SIZE + 10]).toBe(2);
    expect(saved.classes[20 * SIZE + 10]).toBe(1);
    const after = await projectState(dir);
    expect(after).toEqual(before);
    expect(
      (await readdir(join(dir, 'annotations', entry.id))).filter((n) => /\.(tmp|pending)$/.test(n)),
    ).toEqual([]);

    if (disk.mode === 'tmpfs') await unlink(filler);
    else inject(null, 'ENOSPC');
    await project.saveAnnotationPatch(entry.id, dot);
    await expectPersisted(project, dir, entry.id);
  });

  it("an image's original deleted under the app: a clear not_found, the project still opens", async () => {
    const dir = join(root, 'deleted');
    const project = await Project.create(dir, 'deleted');
    const [gone] = await project.importBytes('gone.png', await imageBytes());
    const [kept] = await project.importBytes('kept.png', await imageBytes());
    await project.saveAnnotationPatch(gone.id, patch(2));
    await project.close();
    await unlink(join(dir, 'images', gone.file));

    const service = createTestService(root);
    try {
      const opened = await invokeApi(service.handlers, 'openProject', [dir]);
      expect(opened.ok).toBe(true);
      const pixels = await invokeApi(service.handlers, 'getImagePixels', [gone.id]);
      expect(pixels).toMatchObject({ ok: false, error: { code: 'not_found' } });
      if (!pixels.ok) expect(pixels.error.message).toContain(join(dir, 'images', gone.file));
      // Everything else is still there: the other image, the annotation of the lost one.
      expect(await invokeApi(service.handlers, 'getImagePixels', [kept.id])).toMatchObject({ ok: true });
      const annotation = await service.handlers.getAnnotation(gone.id);
      expect(annotation.classes[20 * SIZE + 10]).toBe(2);
      const thumbnail = await invokeApi(service.handlers, 'getThumbnail', [gone.id]);
      expect(thumbnail.ok).toBe(true);
    } finally {
      await service.dispose();
    }
    expect(JSON.parse(await readFile(join(dir, 'project.json'), 'utf8')).images).toHaveLength(2);
  });
  it('a label file corrupted under the app: corrupt_file naming it; the rest of the project works', async () => {
    const dir = join(root, 'corrupted');
    const project = await Project.create(dir, 'corrupted');
    const [hit] = await project.importBytes('hit.png', await imageBytes());
    const [fine] = await project.importBytes('fine.png', await imageBytes());
    await project.saveAnnotationPatch(hit.id, patch(2));
    await project.saveAnnotationPatch(fine.id, patch(1));
    await project.close();
    const file = join(dir, 'annotations', hit.id, '0_0.classes.png');
    const bytes = await readFile(file);
    await writeFile(file, bytes.subarray(0, bytes.length >> 1));

    const reopened = await Project.open(dir);
    try {
      const error = await appErrorOf(reopened.readAnnotation(hit.id));
      expect([error.code, error.message.includes(file)]).toEqual(['corrupt_file', true]);
      expect((await reopened.readAnnotation(fine.id)).classes[20 * SIZE + 10]).toBe(1);
      expect((await reopened.readPixels(hit.id)).width).toBe(SIZE);
    } finally {
      await reopened.close();
    }
  });
});
