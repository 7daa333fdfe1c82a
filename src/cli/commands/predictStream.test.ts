import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../test/support/cli';
import { writeTiledTiff } from '../../../test/support/tiledTiff';
import { saveTinyModel, tinyModelMetadata } from '../../../test/support/tinyModel';
import { connectedComponents, LazyTiff, readImage, type UNetConfig } from '../../engine/index';

const CONFIG: UNetConfig = { depth: 2, baseFilters: 2, inputChannels: 1, classes: 2, dropout: 0 };
const NORM = { kind: 'percentile' as const, low: 1, high: 99.8, perChannel: true, epsilon: 1e-6 };
const W = 333;
const H = 250;
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-predict-stream-'));
  await saveTinyModel(join(dir, 'model'), tinyModelMetadata(CONFIG, 92, NORM), 7);
  const data = Uint8Array.from({ length: W * H }, (_, i) => {
    const x = i % W;
    const y = (i - x) / W;
    return (Math.sin(x / 9) * Math.cos(y / 7) > 0.3 ? 200 : 40) + ((i * 7919) % 23);
  });
  await writeTiledTiff(
    join(dir, 'in', 'slide.tif'),
    { width: W, height: H, channels: 1, bitDepth: 8, data },
    64,
    { x: 0.25, y: 0.25 },
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const predict = (out: string, ...extra: string[]) =>
  runCli(
    [
      'predict',
      '--model',
      join(dir, 'model'),
      '--images',
      join(dir, 'in', 'slide.tif'),
      '--out',
      join(dir, out),
      '--tile',
      '140',
      '--threads',
      '1',
      ...extra,
    ],
    { timeoutMs: 120_000 },
  );

describe('unet-studio predict --stream', () => {
  it('streams a TIFF to a tiled BigTIFF mask equal to the whole-image mask, plus an objects CSV', async () => {
    const [streamed, whole] = [
      await predict('streamed', '--stream', 'always'),
      await predict('whole', '--stream', 'never', '--format', 'tif'),
    ];
    expect(streamed.stderr).not.toMatch(/error/i);
    expect(streamed.code).toBe(0);
    expect(whole.code).toBe(0);
    expect(streamed.stdout).toMatch(
      /slide\.tif -> .*slide\.tif, .*slide_objects\.csv \(333x250, 12 tile\(s\) of 140/,
    );
    const mask = await LazyTiff.open(join(dir, 'streamed', 'slide.tif'));
    expect(mask.levels[0]).toMatchObject({ width: W, height: H, tileWidth: 512, tiled: true });
    expect(mask.metadata.pixelSize).toMatchObject({ x: 0.25, y: 0.25 });
    await mask.close();
    const a = await readImage(join(dir, 'streamed', 'slide.tif'));
    const b = await readImage(join(dir, 'whole', 'slide.tif'));
    expect(a.data).toEqual(b.data);
    const { count } = connectedComponents(b.data, W, H, 4);
    expect(count).toBeGreaterThan(3);
    const csv = (await readFile(join(dir, 'streamed', 'slide_objects.csv'), 'utf8')).trim().split('\n');
    expect(csv.length - 1).toBe(count);
    expect(csv[1]).toMatch(/^1,1,\d+,/);
  }, 240_000);

  it('refuses options it cannot stream, naming them, and writes nothing', async () => {
    const run = await predict('refused', '--stream', 'always', '--instances', '--probabilities');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/slide\.tif is streamed.*--probabilities, --instances/);
    expect(await readdir(join(dir, 'refused'))).toEqual([]);
  }, 120_000);
});
