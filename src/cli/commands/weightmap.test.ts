import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../test/support/cli';
import { maxAbsDiff } from '../../../test/support/maxAbsDiff';
import { computeWeightMap, readImage, readNpy, writePng } from '../../engine/index';

let dir = '';

// 16-bit instances, 24x20: three rectangles, 7 and 300 touching along a column.
const W = 24;
const H = 20;
const cells = new Uint16Array(W * H);
for (let y = 0; y < H; y++) {
  for (let x = 0; x < W; x++) {
    if (y >= 2 && y < 10 && x >= 2 && x < 10) cells[y * W + x] = 7;
    if (y >= 3 && y < 12 && x >= 10 && x < 19) cells[y * W + x] = 300;
    if (y >= 14 && y < 18 && x >= 4 && x < 20) cells[y * W + x] = 12;
  }
}
// Binary 8-bit mask, 16x12: two squares that meet only at a corner (two 4-connected objects)
// and a bar; the hand labelling below is what 4-connectivity must find.
const MW = 16;
const MH = 12;
const handLabels = new Int32Array(MW * MH);
for (let y = 0; y < MH; y++) {
  for (let x = 0; x < MW; x++) {
    if (y >= 1 && y < 5 && x >= 1 && x < 5) handLabels[y * MW + x] = 1;
    if (y >= 5 && y < 9 && x >= 5 && x < 9) handLabels[y * MW + x] = 2;
    if (y >= 2 && y < 10 && x >= 11 && x < 14) handLabels[y * MW + x] = 3;
  }
}
const mask = Uint8Array.from(handLabels, (v) => (v > 0 ? 255 : 0));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-weightmap-'));
  await writePng(join(dir, 'cells01.png'), { width: W, height: H, channels: 1, bitDepth: 16, data: cells });
  await writePng(join(dir, 'mask02.png'), { width: MW, height: MH, channels: 1, bitDepth: 8, data: mask });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('unet-studio weightmap', () => {
  it('writes one .npy weight map per input and the separated targets', async () => {
    const out = join(dir, 'npy');
    const run = await runCli([
      'weightmap',
      join(dir, 'cells01.png'),
      join(dir, 'mask02.png'),
      '--out-dir',
      out,
      '--targets',
      '--sigma',
      '3',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/cells01\.png\t24x20\t[\d.]+ ms/);
    expect(run.stdout).toMatch(/mask02\.png\t16x12\t[\d.]+ ms/);

    const a = await readNpy(join(out, 'cells01.npy'));
    expect(a.shape).toEqual([H, W]);
    const expectedA = computeWeightMap(cells, W, H, { sigma: 3 });
    expect(maxAbsDiff(a.data, expectedA.weights)).toBeLessThan(1e-6);
    const targetsA = await readImage(join(out, 'cells01_targets.png'));
    expect(Array.from(targetsA.data)).toEqual(Array.from(expectedA.targets, (t) => t * 255));
    // The separation border splits 7 and 300: columns 9 and 10 are background on row 5.
    expect(targetsA.data[5 * W + 9]).toBe(0);
    expect(targetsA.data[5 * W + 10]).toBe(0);

    const b = await readNpy(join(out, 'mask02.npy'));
    const expectedB = computeWeightMap(handLabels, MW, MH, { sigma: 3 });
    expect(maxAbsDiff(b.data, expectedB.weights)).toBeLessThan(1e-6);
    // The diagonal contact of objects 1 and 2 is separated: (4,4) and (5,5) become background.
    const targetsB = await readImage(join(out, 'mask02_targets.png'));
    expect(targetsB.data[4 * MW + 4]).toBe(0);
    expect(targetsB.data[5 * MW + 5]).toBe(0);
  });

  it('writes float32 TIFF with --format tif and honours --w0', async () => {
    const out = join(dir, 'tif');
    const run = await runCli([
      'weightmap',
      join(dir, 'cells01.png'),
      '--out-dir',
      out,
      '--format',
      'tif',
      '--w0',
      '4',
    ]);
    expect(run.code).toBe(0);
    const tif = await readImage(join(out, 'cells01.tif'));
    expect([tif.width, tif.height, tif.bitDepth]).toEqual([W, H, 32]);
    expect(maxAbsDiff(tif.data, computeWeightMap(cells, W, H, { w0: 4 }).weights)).toBeLessThan(1e-6);
  });

  it('fails with a clear message and exit code 1 for a missing input', async () => {
    const run = await runCli(['weightmap', join(dir, 'nope.png'), '--out-dir', join(dir, 'x')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error (not_found)');
    expect(run.stderr).toContain('nope.png');
  });
});
