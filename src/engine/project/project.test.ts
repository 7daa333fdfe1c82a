import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode, encode } from 'fast-png';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tinyTiff } from '../../../test/fixtures/images/tinyTiff';
import { AppError } from '../../shared/errors';
import { TILE_SIZE } from '../../shared/imageData';
import { readAnnotation } from './annotationFiles';
import { Project } from './project';
import { LOCK_FILE } from './projectLock';

/** The top-left w x h values of a stored label tile (TILE_SIZE wide). */
function cropTile(data: ArrayLike<number>, w: number, h: number): number[] {
  const out: number[] = [];
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out.push(data[y * TILE_SIZE + x]);
  return out;
}

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'unet-project-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function codeOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    if (error instanceof AppError) return `${error.code}: ${error.message}`;
    throw error;
  }
  return 'no error';
}

/** 16-bit gray PNG with value (x + 10 * y) * 100 at (x, y). */
function gradientPng16(width: number, height: number): Uint8Array {
  const data = new Uint16Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = (x + 10 * y) * 100;
  return encode({ width, height, data, depth: 16, channels: 1 });
}

/** An uncompressed 8-bit gray TIFF with one page per fill value, every pixel of a page = fill. */
function twoPageTiff(width: number, height: number, fills: number[]): Uint8Array {
  return tinyTiff(
    fills.map((fill) => ({
      width,
      height,
      bitsPerSample: 8,
      sampleFormat: 1,
      bytes: new Uint8Array(width * height).fill(fill),
    })),
  );
}

describe('Project store', () => {
  it('creates the folder layout with default classes, and one instance holds the lock', async () => {
    const dir = join(root, 'p');
    const project = await Project.create(dir, ' Demo ');
    expect((await readdir(dir)).sort()).toEqual(
      [LOCK_FILE, 'annotations', 'exports', 'images', 'models', 'predictions', 'project.json', 'runs'].sort(),
    );
    const manifest = JSON.parse(await readFile(join(dir, 'project.json'), 'utf8'));
    expect(manifest.schemaVersion).toBe(1);
    expect(manifest.name).toBe('Demo');
    expect(manifest.classes.map((c: { id: number; name: string }) => [c.id, c.name])).toEqual([
      [1, 'background'],
      [2, 'cell'],
    ]);
    expect(await codeOf(() => Project.open(dir))).toMatch(
      /^locked: .*already open in another U-Net Studio \(pid \d+/,
    );
    expect(await codeOf(() => Project.create(dir, 'again'))).toMatch(/^conflict:/);
    await project.close();
    const again = await Project.open(dir);
    expect(again.snapshot().name).toBe('Demo');
    await again.close();
  });

  it('takes over a stale lock left by a dead process', async () => {
    const dir = join(root, 'p');
    await (await Project.create(dir, 'x')).close();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    const { hostname } = await import('node:os');
    await writeFile(
      join(dir, LOCK_FILE),
      JSON.stringify({ pid: dead, host: hostname(), token: 't', since: 'then' }),
    );
    const project = await Project.open(dir);
    expect(JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    await project.close();
    expect(await readdir(dir)).not.toContain(LOCK_FILE);
  });

  it('on open, removes staged label files of a write killed before its journal, keeps journaled ones', async () => {
    const dir = join(root, 'p');
    await (await Project.create(dir, 'x')).close();
    const annotations = join(dir, 'annotations');
    const orphan = 'img1.classes.png.0123456789ab.pending';
    const journaled = 'img2.instances.png.ba9876543210.pending';
    await writeFile(join(annotations, orphan), 'x');
    await writeFile(join(annotations, journaled), 'y');
    await writeFile(join(annotations, 'img2.commit.json'), JSON.stringify({ instances: journaled }));
    const project = await Project.open(dir);
    const names = await readdir(annotations);
    expect(names).not.toContain(orphan);
    expect(names).toContain(journaled);
    await project.close();
  });

  it('a journal that is not the expected object names nothing: the read goes on and drops it', async () => {
    const dir = join(root, 'p');
    await (await Project.create(dir, 'x')).close();
    for (const content of ['null', '[1, 2]', '{"classes": 42}']) {
      await writeFile(join(dir, 'annotations', 'img3.commit.json'), content);
      const read = await readAnnotation(dir, 'img3', 2, 2);
      expect([...read.classes, ...read.instances]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
      expect(await readdir(join(dir, 'annotations'))).not.toContain('img3.commit.json');
    }
  });

  it('refuses malformed manifests and future schema versions without touching them', async () => {
    const dir = join(root, 'p');
    await (await Project.create(dir, 'x')).close();
    const file = join(dir, 'project.json');
    await writeFile(file, '{"schemaVersion": 1, "name": ');
    expect(await codeOf(() => Project.open(dir))).toMatch(/^schema: .*project\.json is not valid JSON/);
    const future = JSON.stringify({ schemaVersion: 7, name: 'new', whatever: true });
    await writeFile(file, future);
    expect(await codeOf(() => Project.open(dir))).toMatch(/^schema: .*schema version 7.*up to version 1/);
    expect(await readFile(file, 'utf8')).toBe(future);
    await writeFile(file, JSON.stringify({ schemaVersion: 1, name: 'x', classes: [], images: 3 }));
    expect(await codeOf(() => Project.open(dir))).toMatch(/^schema: .*malformed: classes/);
    expect(await codeOf(() => Project.open(join(root, 'nothing')))).toMatch(
      /^not_found: .*not a U-Net Studio project/,
    );
  });

  it('copies originals byte for byte, one entry per TIFF page, with exact stats and thumbnails', async () => {
    const project = await Project.create(join(root, 'p'), 'x');
    const png = gradientPng16(10, 10);
    const [entry] = await project.importBytes('grad.png', png);
    expect(await readFile(join(project.dir, 'images', 'grad.png'))).toEqual(Buffer.from(png));
    expect(entry).toMatchObject({
      name: 'grad.png',
      width: 10,
      height: 10,
      channels: 1,
      bitDepth: 16,
      pages: 1,
    });
    // Values (x + 10 y) * 100 = 0, 100, ..., 9900: 0.5th percentile = 1st smallest, 99.5th = 100th.
    expect(entry.stats).toEqual({ min: 0, max: 9900, low: 0, high: 9900 });
    const thumb = decode(await project.readThumbnail(entry.id));
    expect([thumb.width, thumb.height]).toEqual([10, 10]);
    const pixels = await project.readPixels(entry.id);
    expect(pixels.data).toBeInstanceOf(Uint16Array);
    expect(pixels.data[3 * 10 + 7]).toBe(3700);

    const tiff = twoPageTiff(4, 3, [11, 22]);
    const pages = await project.importBytes('stack.tif', tiff);
    expect(pages.map((p) => [p.name, p.page, p.pages, p.file])).toEqual([
      ['stack.tif [1/2]', 0, 2, 'stack.tif'],
      ['stack.tif [2/2]', 1, 2, 'stack.tif'],
    ]);
    expect([...(await project.readPixels(pages[1].id)).data]).toEqual(new Array(12).fill(22));
    const again = await project.importBytes('grad.png', png);
    expect(again[0].file).toBe('grad-2.png');
    expect(await codeOf(() => project.importBytes('fake.png', new TextEncoder().encode('hello')))).toMatch(
      /^unsupported_format: fake\.png/,
    );
    await project.close();
    // After reopening nothing is cached: pixels are decoded again from the copied originals.
    const reopened = await Project.open(project.dir);
    expect((await reopened.readPixels(entry.id)).data[3 * 10 + 7]).toBe(3700);
    expect([...(await reopened.readPixels(pages[0].id)).data]).toEqual(new Array(12).fill(11));
    await reopened.close();
  });

  it('saves annotation patches as 8-bit class and 16-bit instance PNGs that survive reopening', async () => {
    const dir = join(root, 'p');
    const project = await Project.create(dir, 'x');
    const [entry] = await project.importBytes('grad.png', gradientPng16(6, 4));
    const expectedClasses = new Uint8Array(24);
    const expectedInstances = new Uint16Array(24);
    const paint = async (x: number, y: number, w: number, h: number, cls: number, inst: number) => {
      const patch = {
        x,
        y,
        w,
        h,
        classes: new Uint8Array(w * h).fill(cls),
        instances: new Uint16Array(w * h).fill(inst),
      };
      const saved = await project.saveAnnotationPatch(entry.id, patch);
      for (let j = 0; j < h; j++) {
        for (let i = 0; i < w; i++) {
          expectedClasses[(y + j) * 6 + x + i] = cls;
          expectedInstances[(y + j) * 6 + x + i] = inst;
        }
      }
      return saved;
    };
    await paint(0, 0, 6, 1, 1, 0);
    await paint(1, 1, 2, 2, 2, 1);
    const status = await paint(4, 2, 2, 2, 2, 300);
    expect(status).toEqual({ labelledPixels: 6 + 4 + 4, objects: 2 });
    // Stored as the image's one label tile (TILE_SIZE square, zero past the image's edge).
    const classesPng = decode(await readFile(join(dir, 'annotations', entry.id, '0_0.classes.png')));
    const instancesPng = decode(await readFile(join(dir, 'annotations', entry.id, '0_0.instances.png')));
    expect([classesPng.depth, classesPng.channels, instancesPng.depth]).toEqual([8, 1, 16]);
    expect(cropTile(classesPng.data, 6, 4)).toEqual([...expectedClasses]);
    expect(cropTile(instancesPng.data, 6, 4)).toEqual([...expectedInstances]);
    expect(await codeOf(() => paint(5, 0, 2, 1, 1, 0))).toMatch(
      /^invalid_argument: .*outside grad\.png \(6x4\)/,
    );
    expect(await codeOf(() => paint(0, 0, 1, 1, 9, 0))).toMatch(/^invalid_argument: .*class 9/);
    await project.close();

    const reopened = await Project.open(dir);
    const annotation = await reopened.readAnnotation(entry.id);
    expect([...annotation.classes]).toEqual([...expectedClasses]);
    expect([...annotation.instances]).toEqual([...expectedInstances]);
    expect(annotation.nextInstanceId).toBe(301);
    expect(reopened.snapshot().images[0].annotation).toEqual({ labelledPixels: 14, objects: 2 });
    await reopened.removeImage(entry.id);
    expect(await readdir(join(dir, 'annotations'))).toEqual([]);
    expect(await readdir(join(dir, 'images'))).toEqual(['cache']);
    expect(await codeOf(() => reopened.readAnnotation(entry.id))).toMatch(/^not_found:/);
    await reopened.close();
  });
});

describe('Project autosave under load', () => {
  it('saves patches sent all at once (one atomic tile write each) and each call sees its patch on disk', async () => {
    const dir = join(root, 'p');
    const project = await Project.create(dir, 'x');
    const [entry] = await project.importBytes('grad.png', gradientPng16(8, 8));
    const saves = Array.from({ length: 8 }, (_, row) =>
      project.saveAnnotationPatch(entry.id, {
        x: 0,
        y: row,
        w: 8,
        h: 1,
        classes: new Uint8Array(8).fill(row % 2 === 0 ? 1 : 2),
        instances: new Uint16Array(8).fill(row + 1),
      }),
    );
    const statuses = await Promise.all(saves);
    expect(statuses.at(-1)).toEqual({ labelledPixels: 64, objects: 8 });
    const onDisk = decode(await readFile(join(dir, 'annotations', entry.id, '0_0.instances.png')));
    const expected = Array.from({ length: 64 }, (_, i) => Math.floor(i / 8) + 1);
    expect(cropTile(onDisk.data, 8, 8)).toEqual(expected);
    await project.close();
  });
});
