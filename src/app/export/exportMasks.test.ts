import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readImage, writePrediction } from '../../engine/index';
import type { ExportRequest } from '../../shared/apiModels';
import type { ImageEntry } from '../../shared/schemas';
import { exportMaskFiles } from './writeMaskFiles';

const MODEL = 'run_test0001.last';
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'unet-export-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function entry(id: string, name: string, width: number, height: number): ImageEntry {
  return {
    id,
    name,
    file: `${id}.png`,
    page: 0,
    pages: 1,
    width,
    height,
    channels: 1,
    bitDepth: 8,
    stats: { min: 0, max: 255, low: 0, high: 255 },
    annotation: { labelledPixels: 0, objects: 0 },
    addedAt: '2026-01-01T00:00:00Z',
  };
}

/** A prediction whose foreground is `isForeground(x, y)` (probability 0.9 there, 0.1 elsewhere). */
async function predict(id: string, w: number, h: number, isForeground: (x: number, y: number) => boolean) {
  const classes = new Uint8Array(w * h).map((_, i) => (isForeground(i % w, Math.floor(i / w)) ? 1 : 0));
  const foreground = Float32Array.from(classes, (c) => (c ? 0.9 : 0.1));
  await writePrediction(dir, MODEL, id, { width: w, height: h, classCount: 2, classes, foreground });
}

const request = (out: string, more: Partial<ExportRequest>): ExportRequest => ({
  modelId: MODEL,
  imageIds: [],
  folder: out,
  format: 'png',
  kind: 'binary',
  ...more,
});

// Every other pixel on a 2-pixel grid: isolated 1-px objects under 4-connectivity.
const specks = (x: number, y: number) => x % 2 === 0 && y % 2 === 0;

describe('exportMaskFiles', () => {
  it('writes binary masks of a prediction with more than 65535 objects, and reports only its instance PNG', async () => {
    // 520x520 with specks: 260 x 260 = 67,600 one-pixel objects.
    await predict('img_huge', 520, 520, specks);
    await predict('img_small', 20, 10, (x) => x >= 5);
    const images = [
      { entry: entry('img_huge', 'huge.png', 520, 520) },
      { entry: entry('img_small', 's.png', 20, 10) },
    ];
    const out = join(dir, 'out');
    const binary = await exportMaskFiles({ projectDir: dir, request: request(out, {}), images });
    expect(binary.skipped).toEqual([]);
    const huge = decode(await readFile(join(out, 'huge.png')));
    let white = 0;
    for (const v of huge.data) white += v === 255 ? 1 : 0;
    expect(white).toBe(260 * 260);
    const csv = (await readFile(binary.csv, 'utf8')).trim().split('\n');
    expect(csv[1]).toBe('huge.png,huge.png,520,520,67600,67600,1,1,1');
    expect(csv[2]).toBe('s.png,s.png,20,10,1,150,150,150,150');

    const ids = await exportMaskFiles({
      projectDir: dir,
      request: request(out, { kind: 'instances' }),
      images,
    });
    expect(ids.files).toEqual([join(out, 's.png')]);
    expect(ids.skipped).toEqual([
      {
        imageId: 'img_huge',
        name: 'huge.png',
        reason: expect.stringMatching(/67,600 objects do not fit a 16-bit PNG/),
      },
    ]);
    // TIFF: 32-bit ids, each object its own id.
    const tif = await exportMaskFiles({
      projectDir: dir,
      request: request(out, { kind: 'instances', format: 'tif' }),
      images,
    });
    expect(tif.skipped).toEqual([]);
    const read = await readImage(join(out, 'huge.tif'));
    expect(read.bitDepth).toBe(32);
    expect(new Set(read.data).size).toBe(67_600 + 1);
  });

  it('drops objects under the minimum size from the masks and objects.csv', async () => {
    // A 6x6 square plus specks elsewhere: with min size 4 only the square remains.
    await predict(
      'img_a',
      30,
      20,
      (x, y) => (x >= 20 && x < 26 && y >= 2 && y < 8) || (x < 10 && specks(x, y)),
    );
    const out = join(dir, 'min');
    const images = [{ entry: entry('img_a', 'a.tif', 30, 20) }];
    const all = await exportMaskFiles({ projectDir: dir, request: request(out, {}), images });
    expect((await readFile(all.csv, 'utf8')).split('\n')[1]).toBe('a.tif,a.png,30,20,51,86,1.69,1,36');
    const kept = await exportMaskFiles({
      projectDir: dir,
      request: request(out, { minObjectArea: 4 }),
      images,
    });
    expect((await readFile(kept.csv, 'utf8')).split('\n')[1]).toBe('a.tif,a.png,30,20,1,36,36,36,36');
    const mask = decode(await readFile(join(out, 'a.png')));
    for (let i = 0; i < 600; i++) {
      const [x, y] = [i % 30, Math.floor(i / 30)];
      expect(mask.data[i]).toBe(x >= 20 && x < 26 && y >= 2 && y < 8 ? 255 : 0);
    }
    // Class masks use the app's numbering: 1 background (dropped specks too), 2 the object class.
    await exportMaskFiles({
      projectDir: dir,
      request: request(out, { minObjectArea: 4, kind: 'classes' }),
      images,
    });
    const classes = decode(await readFile(join(out, 'a.png')));
    for (let i = 0; i < 600; i++) {
      const [x, y] = [i % 30, Math.floor(i / 30)];
      expect(classes.data[i]).toBe(x >= 20 && x < 26 && y >= 2 && y < 8 ? 2 : 1);
    }
  });

  it('skips an unpredicted image and a clashing name, or prefixes the image id to avoid clashes', async () => {
    await predict('img_1', 4, 4, (x) => x > 1);
    await predict('img_2', 4, 4, (x) => x > 2);
    const images = [
      { entry: entry('img_1', 'cell.png', 4, 4) },
      { entry: entry('img_2', 'cell.png', 4, 4) },
      { entry: entry('img_3', 'other.png', 4, 4) },
    ];
    const out = join(dir, 'clash');
    const plain = await exportMaskFiles({ projectDir: dir, request: request(out, {}), images });
    expect(plain.files).toEqual([join(out, 'cell.png')]);
    expect(plain.skipped.map((s) => [s.imageId, s.reason])).toEqual([
      ['img_2', expect.stringMatching(/would be named cell\.png like cell\.png's.*prefix the image id/)],
      ['img_3', expect.stringMatching(/not predicted with run_test0001\.last/)],
    ]);
    const prefixed = await exportMaskFiles({
      projectDir: dir,
      request: request(out, { naming: 'id' }),
      images,
    });
    expect(prefixed.files).toEqual([join(out, 'img_1_cell.png'), join(out, 'img_2_cell.png')]);
    const second = decode(await readFile(join(out, 'img_2_cell.png')));
    expect([...second.data]).toEqual(Array.from({ length: 16 }, (_, i) => (i % 4 > 2 ? 255 : 0)));
  });

  it('splits touching objects along the stored P(object interior) of a model that learned object borders', async () => {
    // Two overlapping discs (radius 10, centres 6 px apart): no neck, so one object by shape;
    // P(object interior) 0 on the line x = 30 across them makes two.
    const [w, h] = [60, 40];
    const inside = (x: number, y: number) => [27, 33].some((cx) => (x - cx) ** 2 + (y - 20) ** 2 <= 100);
    const classes = new Uint8Array(w * h).map((_, i) => (inside(i % w, Math.floor(i / w)) ? 1 : 0));
    const foreground = Float32Array.from(classes);
    const interior = Float32Array.from(classes, (c, i) => (c === 1 && i % w !== 30 ? 1 : 0));
    const images = [{ entry: entry('img_d', 'd.png', w, h) }];
    const out = join(dir, 'borders');
    const area = classes.reduce((a, c) => a + c, 0);
    await writePrediction(dir, MODEL, 'img_d', { width: w, height: h, classCount: 2, classes, foreground });
    const whole = await exportMaskFiles({
      projectDir: dir,
      request: request(out, { kind: 'instances' }),
      images,
    });
    expect((await readFile(whole.csv, 'utf8')).split('\n')[1]).toMatch(
      new RegExp(`^d.png,d.png,60,40,1,${area},`),
    );
    await writePrediction(dir, MODEL, 'img_d', {
      width: w,
      height: h,
      classCount: 2,
      classes,
      foreground,
      interior,
    });
    const split = await exportMaskFiles({
      projectDir: dir,
      request: request(out, { kind: 'instances' }),
      images,
    });
    expect((await readFile(split.csv, 'utf8')).split('\n')[1]).toMatch(
      new RegExp(`^d.png,d.png,60,40,2,${area},`),
    );
    const ids = decode(await readFile(join(out, 'd.png'))).data;
    expect(ids[20 * w + 22]).not.toBe(ids[20 * w + 38]);
    expect(new Set(ids)).toEqual(new Set([0, 1, 2]));
  });

  it('exports hand annotations as label images (class ids as the app numbers them)', async () => {
    const classes = Uint8Array.from([0, 1, 2, 2, 0, 1, 3, 3]);
    const instances = Uint16Array.from([0, 0, 5, 5, 0, 0, 9, 9]);
    const annotation = { imageId: 'img_1', width: 4, height: 2, classes, instances, nextInstanceId: 10 };
    const images = [
      { entry: entry('img_1', 'x.png', 4, 2), annotation },
      { entry: entry('img_2', 'y.png', 4, 2) },
    ];
    const out = join(dir, 'ann');
    const r = await exportMaskFiles({
      projectDir: dir,
      request: request(out, { source: 'annotation', modelId: undefined, kind: 'classes' }),
      images,
    });
    expect([...decode(await readFile(join(out, 'x.png'))).data]).toEqual([...classes]);
    expect(r.skipped).toEqual([{ imageId: 'img_2', name: 'y.png', reason: 'not annotated yet' }]);
    await exportMaskFiles({ projectDir: dir, request: request(out, { source: 'annotation' }), images });
    expect([...decode(await readFile(join(out, 'x.png'))).data]).toEqual([0, 0, 255, 255, 0, 0, 255, 255]);
    expect((await readFile(join(out, 'objects.csv'), 'utf8')).split('\n')[1]).toBe(
      'x.png,x.png,4,2,2,4,2,2,2',
    );
  });
});
