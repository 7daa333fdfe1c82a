import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RasterImage, writePng } from '../image/index';
import { evaluateFolders } from './index';

let dir: string;
const square = (on: number[]): RasterImage => ({
  width: 3,
  height: 3,
  channels: 1,
  bitDepth: 8,
  data: Uint8Array.from({ length: 9 }, (_, i) => (on.includes(i) ? 255 : 0)),
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'unet-folders-'));
  await mkdir(join(dir, 'pred'));
  await mkdir(join(dir, 'truth'));
  await mkdir(join(dir, 'twins'));
  for (const name of ['2', '10']) {
    await writePng(join(dir, 'truth', `${name}.png`), square([0, 1, 3, 4]));
    await writePng(join(dir, 'pred', `${name}.png`), square(name === '2' ? [0, 1, 3, 4] : [0, 1]));
  }
  await writePng(join(dir, 'twins', '2.png'), square([]));
  await writePng(join(dir, 'twins', '2.jpg'), square([])); // PNG content, JPEG name: same base name as 2.png
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('evaluateFolders', () => {
  it('pairs files in natural order, reports progress, averages per image', async () => {
    const calls: [number, number][] = [];
    const result = await evaluateFolders({
      predDir: join(dir, 'pred'),
      truthDir: join(dir, 'truth'),
      onProgress: (done, total) => calls.push([done, total]),
    });
    expect(result.images.map((i) => i.name)).toEqual(['2', '10']);
    expect(calls).toEqual([
      [0, 2],
      [1, 2],
      [2, 2],
    ]);
    // image 10: 2 of 4 foreground pixels found -> IoU 1/2; mean of 1 and 1/2
    expect(result.images[1].metrics.foregroundIoU).toBe(0.5);
    expect(result.mean.foregroundIoU).toBe(0.75);
    expect(result.unmatchedPred).toEqual([]);
  });

  it('two files with one base name in a folder are ambiguous', async () => {
    await expect(
      evaluateFolders({ predDir: join(dir, 'twins'), truthDir: join(dir, 'truth') }),
    ).rejects.toMatchObject({
      code: 'invalid_argument',
      message: expect.stringMatching(/two images named 2: 2\.jpg and 2\.png/),
    });
  });
});
