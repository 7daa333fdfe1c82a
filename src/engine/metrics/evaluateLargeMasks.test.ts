import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTiledTiff } from '../../../test/support/tiledTiff';
import { type RasterImage, TiledTiffWriter } from '../image/index';
import { evaluateLargeMasks } from './evaluateLargeMasks';
import { evaluateSegmentation } from './evaluateSegmentation';
import { maskFromImage } from './maskFromImage';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'evaluate-large-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Discs of `value` (or 1.. ids when `ids`) at pseudo-random places; some touch and merge. */
function discs(width: number, height: number, seed: number, value: number, bitDepth: 8 | 16): RasterImage {
  const data = bitDepth === 8 ? new Uint8Array(width * height) : new Uint16Array(width * height);
  let s = seed;
  const random = () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
  for (let k = 0; k < 60; k++) {
    const cx = random() * width;
    const cy = random() * height;
    const r = 2 + random() * 8;
    const v = value > 0 ? value : 1 + (k % 3);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) if ((x - cx) ** 2 + (y - cy) ** 2 < r * r) data[y * width + x] = v;
  }
  return { width, height, channels: 1, bitDepth, data };
}

async function writeMask(name: string, img: RasterImage, tileSize: number): Promise<string> {
  const path = join(dir, name);
  await writeTiledTiff(path, img, tileSize);
  return path;
}

describe('evaluateLargeMasks', () => {
  it('streams the metrics of evaluateSegmentation on the whole masks (binary, classes, 16-bit)', async () => {
    const W = 203;
    const H = 170;
    const cases: [RasterImage, RasterImage][] = [
      [discs(W, H, 1, 255, 8), discs(W, H, 2, 255, 8)],
      [discs(W, H, 3, 0, 8), discs(W, H, 4, 0, 8)],
      [discs(W, H, 5, 1000, 16), discs(W, H, 6, 255, 8)],
    ];
    for (const [k, [pred, truth]] of cases.entries()) {
      // Different tile sizes: bands of one mask cut the tiles of the other.
      const predPath = await writeMask(`p${k}.tif`, pred, 48);
      const truthPath = await writeMask(`t${k}.tif`, truth, 32);
      const streamed = await evaluateLargeMasks({ predPath, truthPath, bandRows: 13 });
      const p = maskFromImage(pred);
      const t = maskFromImage(truth);
      const whole = evaluateSegmentation({
        width: W,
        height: H,
        pred: { classes: p.classes },
        truth: { classes: t.classes },
      });
      expect(streamed.truthObjects).toBeGreaterThan(20);
      for (const [key, value] of Object.entries(whole)) {
        const got = streamed[key as keyof typeof streamed];
        if (Array.isArray(value)) expect(got).toEqual(value);
        else expect(got).toBeCloseTo(value as number, 12);
      }
    }
  });

  it('refuses masks of different sizes and colour masks, naming the files', async () => {
    const a = await writeMask('a.tif', discs(64, 40, 1, 255, 8), 16);
    const b = await writeMask('b.tif', discs(40, 64, 1, 255, 8), 16);
    await expect(evaluateLargeMasks({ predPath: a, truthPath: b })).rejects.toMatchObject({
      code: 'size_mismatch',
      message: expect.stringMatching(/a\.tif is 64x40 but .*b\.tif is 40x64/),
    });
    const rgb = join(dir, 'rgb.tif');
    const writer = await TiledTiffWriter.create(rgb, {
      width: 64,
      height: 40,
      channels: 3,
      bitDepth: 8,
      tileSize: 16,
    });
    await writer.close();
    await expect(evaluateLargeMasks({ predPath: rgb, truthPath: a })).rejects.toMatchObject({
      code: 'unsupported_format',
      message: expect.stringMatching(/rgb\.tif: a streamed mask has one/),
    });
  });
});
