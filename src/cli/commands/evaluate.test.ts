import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, runCli } from '../../../test/support/cli';
import { type RasterImage, writePng, writeTiff } from '../../engine/index';

let dir: string;

/** Runs `unet-studio evaluate ...args` in a child process, as a user would. */
const evaluate = (...args: string[]): Promise<CliRun> => runCli(['evaluate', ...args]);
let runs: Record<'json' | 'table' | 'mismatch' | 'none', CliRun>;

const mask = (values: number[], bitDepth: 8 | 16 = 8): RasterImage => ({
  width: 4,
  height: 4,
  channels: 1,
  bitDepth,
  data: bitDepth === 8 ? Uint8Array.from(values) : Uint16Array.from(values),
});

// The hand-made 4x4 case of evaluateSegmentation.test.ts: fg IoU 4/7, pixel error 3/16,
// Rand error 1/4, SEG 0.3, object P = R = F1 = 1/2.
const truth = [0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0].map((v) => v * 255);
const pred = [0, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'unet-evaluate-'));
  for (const sub of ['pred', 'truth', 'bad', 'other']) await mkdir(join(dir, sub));
  await writePng(join(dir, 'truth', 'a.png'), mask(truth)); // 0/255 binary
  await writeTiff(join(dir, 'pred', 'a.tif'), mask(pred)); // 0/1 binary, other format, same name
  await writePng(join(dir, 'truth', 'b.png'), mask(truth));
  await writePng(
    join(dir, 'pred', 'b.png'),
    mask(
      truth.map((v) => (v ? 9 : 0)),
      16,
    ),
  ); // 16-bit, identical
  await writePng(join(dir, 'pred', 'extra.png'), mask(pred));
  await writePng(join(dir, 'bad', 'a.png'), {
    width: 5,
    height: 4,
    channels: 1,
    bitDepth: 8,
    data: new Uint8Array(20),
  });
  await writePng(join(dir, 'other', 'zzz.png'), mask(pred));
  // The four runs start together: each spends most of its time starting Node and tsx.
  const [json, table, mismatch, none] = await Promise.all([
    evaluate('--pred', join(dir, 'pred'), '--truth', join(dir, 'truth'), '--json'),
    evaluate('--pred', join(dir, 'pred'), '--truth', join(dir, 'truth')),
    evaluate('--pred', join(dir, 'bad'), '--truth', join(dir, 'truth')),
    evaluate('--pred', join(dir, 'other'), '--truth', join(dir, 'truth'), '--json'),
  ]);
  runs = { json, table, mismatch, none };
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('unet-studio evaluate (subprocess)', () => {
  it('--json prints only JSON with per-image and mean metrics, warns about unmatched files', () => {
    const run = runs.json;
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as { images: Record<string, unknown>[]; mean: Record<string, number> };
    expect(Object.keys(out)).toEqual(['images', 'mean']);
    expect(out.images.map((i) => i.name)).toEqual(['a', 'b']);
    const a = out.images[0] as Record<string, number>;
    expect(a.foregroundIoU).toBeCloseTo(4 / 7, 10);
    expect(a.pixelError).toBeCloseTo(3 / 16, 10);
    expect(a.randError).toBeCloseTo(0.25, 10);
    expect(a.seg).toBeCloseTo(0.3, 10);
    expect([a.objectPrecision, a.objectRecall, a.objectF1]).toEqual([0.5, 0.5, 0.5]);
    const b = out.images[1] as Record<string, number>;
    expect([b.foregroundIoU, b.pixelError, b.randError, b.seg, b.objectF1]).toEqual([1, 0, 0, 1, 1]);
    expect(out.mean.pixelError).toBeCloseTo(3 / 32, 10);
    expect(out.mean.foregroundIoU).toBeCloseTo((4 / 7 + 1) / 2, 10);
    expect(run.stderr).toContain(`warning: no truth mask for ${join(dir, 'pred', 'extra.png')}`);
  });

  it('prints a table with one row per image and the mean', () => {
    const run = runs.table;
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0].split(/\s{2,}/)).toEqual([
      'image',
      'IoU fg',
      'Dice fg',
      'pixel err',
      'Rand err',
      'SEG',
      'obj P',
      'obj R',
      'obj F1',
    ]);
    // Dice fg = 8/11 = 0.7273 from IoU 4/7
    expect(lines[2].split(/\s+/)).toEqual([
      'a',
      '0.5714',
      '0.7273',
      '0.1875',
      '0.2500',
      '0.3000',
      '0.5000',
      '0.5000',
      '0.5000',
    ]);
    expect(lines[lines.length - 1]).toMatch(/^mean \(2\)\s+0\.7857/);
  });

  it('fails with size_mismatch naming both files, and when no names match', () => {
    const mismatch = runs.mismatch;
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toContain('error (size_mismatch)');
    expect(mismatch.stderr).toContain(join(dir, 'bad', 'a.png'));
    expect(mismatch.stderr).toContain(join(dir, 'truth', 'a.png'));
    const none = runs.none;
    expect(none.code).toBe(1);
    expect(none.stdout).toBe('');
    expect(none.stderr).toMatch(/error \(not_found\): No file names match .*zzz\.png.*a\.png, b\.png/);
  });
});
