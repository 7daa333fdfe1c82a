import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTrainConfig, type RasterImage, type TrainImage, writePng } from '../../src/engine/index';
import { loadTrainingData } from '../../src/engine/training/trainingData';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'train-data-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function png(name: string, img: RasterImage): Promise<string> {
  const path = join(dir, name);
  await writePng(path, img);
  return path;
}

const gray8 = (w: number, h: number, f: (x: number, y: number) => number): RasterImage => ({
  width: w,
  height: h,
  channels: 1,
  bitDepth: 8,
  data: Uint8Array.from({ length: w * h }, (_, i) => f(i % w, Math.floor(i / w))),
});

function configOf(images: TrainImage[], outDir: string, extra: Record<string, unknown> = {}) {
  return parseTrainConfig({ images, outDir: join(dir, outDir), steps: 1, ...extra });
}

describe('training data', () => {
  it('binary mask: every pixel labelled, 255 -> class 1; pixels scaled by the bit depth', async () => {
    const image = await png(
      'a.png',
      gray8(6, 4, (x) => x * 50),
    );
    const mask = await png(
      'a_mask.png',
      gray8(6, 4, (x) => (x >= 3 ? 255 : 0)),
    );
    const data = await loadTrainingData(
      configOf([{ image, annotation: { kind: 'mask', path: mask } }], 'o1'),
      2,
    );
    const [s] = data.samples;
    expect(data.channels).toBe(1);
    expect(data.scale).toBe(255);
    expect(Array.from(s.targets.slice(0, 6))).toEqual([0, 0, 0, 1, 1, 1]);
    expect(s.labelledPixels).toBe(24);
    expect(s.image[2]).toBeCloseTo(100 / 255, 6);
  });

  it('16-bit instance ids: touching objects are split by a background border with high weight', async () => {
    const image = await png(
      'b.png',
      gray8(12, 6, () => 128),
    );
    // Background at x = 0; objects 1 (x 1..5) and 2 (x >= 6) touch along the line x = 5|6.
    const ids: RasterImage = {
      width: 12,
      height: 6,
      channels: 1,
      bitDepth: 16,
      data: Uint16Array.from({ length: 72 }, (_, i) => (i % 12 === 0 ? 0 : i % 12 < 6 ? 1 : 2)),
    };
    const label = await png('b_ids.png', ids);
    const data = await loadTrainingData(
      // The paper's loss: border term, class balance and two classes (the fast preset leaves the
      // first two off here and would learn these touching objects' borders as a third class).
      configOf([{ image, annotation: { kind: 'mask', path: label } }], 'o2', {
        w0: 10,
        classBalance: true,
        objectBorders: false,
      }),
      2,
    );
    const s = data.samples[0];
    // Separation border: the touching columns 5 and 6 become background ...
    for (let y = 0; y < 6; y++) {
      expect(s.targets[y * 12 + 5]).toBe(0);
      expect(s.targets[y * 12 + 6]).toBe(0);
      expect(s.targets[y * 12 + 2]).toBe(1);
    }
    // ... weighted by w0 * exp(-(d1 + d2)^2 / 2 sigma^2) with d1 = d2 = 1: 10 * exp(-4/50) ~ 9.2 on top.
    expect(s.weights[5]).toBeGreaterThan(s.weights[2] + 9);
  });

  it("'auto' object borders: on where instance ids touch, never for a binary mask or an annotation without ids", async () => {
    const W = 8;
    const ids = (rows: string[]) => Uint16Array.from(rows.join(''), (c) => Number(c));
    const image = async (name: string) =>
      png(
        name,
        gray8(W, 2, () => 100),
      );
    const labels = async (name: string, data: Uint8Array | Uint16Array, bitDepth: 8 | 16) =>
      png(name, { width: W, height: 2, channels: 1, bitDepth, data });
    // The same two touching squares, as a binary mask (one object) and as instance ids.
    const binary = await labels(
      't_binary.png',
      Uint8Array.from(ids(['11110000', '11110000']), (v) => v * 255),
      8,
    );
    const instances = await labels('t_instances.png', ids(['11220000', '11220000']), 16);
    const apart = await labels('t_apart.png', ids(['11022000', '11022000']), 16);
    const mask = async (name: string, path: string): Promise<TrainImage> => ({
      image: await image(name),
      annotation: { kind: 'mask', path },
    });
    const off = await loadTrainingData(
      configOf([await mask('t_a.png', binary), await mask('t_b.png', apart)], 'o6'),
      2,
    );
    expect([off.objectBorders, off.touchingImage]).toEqual([false, null]);
    expect(Math.max(...off.samples[0].targets)).toBe(1);
    const on = await loadTrainingData(
      configOf([await mask('t_a.png', binary), await mask('cells.png', instances)], 'o7'),
      2,
    );
    expect([on.objectBorders, on.touchingImage]).toEqual([true, 'cells.png']);
    // Every image then has the border class: the binary mask's one object its outline.
    expect(Math.max(...on.samples[0].targets)).toBe(2);
    const classes = await labels('t_classes.png', Uint8Array.from(ids(['22220000', '22220000'])), 8);
    const annotation = async (outDir: string, instancesPath?: string) =>
      loadTrainingData(
        configOf(
          [
            {
              image: await image('p.png'),
              annotation: { kind: 'annotation', classesPath: classes, instancesPath },
            },
          ],
          outDir,
        ),
        2,
      );
    expect((await annotation('o8')).touchingImage).toBeNull();
    expect((await annotation('o9', instances)).touchingImage).toBe('p.png');
    // More than one foreground class: 'auto' stays off without looking.
    expect(
      (await loadTrainingData(configOf([await mask('cells.png', instances)], 'o10'), 3)).objectBorders,
    ).toBe(false);
  });

  it('a partial annotation: class 0 is unlabelled (weight 0), instances from connected components', async () => {
    const image = await png(
      'c.png',
      gray8(8, 4, () => 10),
    );
    // Left half unlabelled, x = 4..5 background, x = 6..7 foreground.
    const classes = await png(
      'c_classes.png',
      gray8(8, 4, (x) => (x < 4 ? 0 : x < 6 ? 1 : 2)),
    );
    const data = await loadTrainingData(
      configOf([{ image, annotation: { kind: 'annotation', classesPath: classes } }], 'o3'),
      2,
    );
    const s = data.samples[0];
    expect(s.labelledPixels).toBe(16);
    for (let y = 0; y < 4; y++) {
      expect(Array.from(s.weights.slice(y * 8, y * 8 + 4))).toEqual([0, 0, 0, 0]);
      expect(Array.from(s.targets.slice(y * 8 + 4, y * 8 + 8))).toEqual([0, 0, 1, 1]);
    }
  });

  it('RGB mixed with gray becomes gray (channel mean); weight maps come from the cache the second time', async () => {
    const rgb: RasterImage = {
      width: 4,
      height: 3,
      channels: 3,
      bitDepth: 8,
      data: Uint8Array.from({ length: 36 }, (_, i) => [30, 60, 90][i % 3]),
    };
    const images: TrainImage[] = [
      {
        image: await png('d_rgb.png', rgb),
        annotation: {
          kind: 'mask',
          path: await png(
            'd_m.png',
            gray8(4, 3, (x) => (x > 1 ? 1 : 0)),
          ),
        },
      },
      {
        image: await png(
          'e.png',
          gray8(5, 5, () => 7),
        ),
        annotation: {
          kind: 'mask',
          path: await png(
            'e_m.png',
            gray8(5, 5, () => 0),
          ),
        },
      },
    ];
    const first = await loadTrainingData(configOf(images, 'o4'), 2);
    expect(first.channels).toBe(1);
    expect(first.samples[0].image[0]).toBeCloseTo(60 / 255, 6);
    expect(first.cacheHits).toBe(0);
    const second = await loadTrainingData(configOf(images, 'o4'), 2);
    expect(second.cacheHits).toBe(2);
    expect(Array.from(second.samples[0].weights)).toEqual(Array.from(first.samples[0].weights));
    expect(Array.from(second.samples[0].targets)).toEqual(Array.from(first.samples[0].targets));
    const otherSigma = await loadTrainingData(configOf(images, 'o4', { sigma: 3 }), 2);
    expect(otherSigma.cacheHits).toBe(0);
  });

  it('a label of another size is refused, naming both files', async () => {
    const image = await png(
      'f.png',
      gray8(6, 4, () => 0),
    );
    const mask = await png(
      'f_m.png',
      gray8(5, 4, () => 0),
    );
    await expect(
      loadTrainingData(configOf([{ image, annotation: { kind: 'mask', path: mask } }], 'o5'), 2),
    ).rejects.toMatchObject({
      code: 'size_mismatch',
      message: expect.stringContaining('f_m.png is 5x4 but its image'),
    });
  });
});
