import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../test/support/cli';
import { encodePng, encodeTiffSync, readImage } from '../../engine/index';

// `train --channels` on a 3-channel 16-bit ImageJ hyperstack, then `predict` with that model.
const W = 40;
const H = 36;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'unet-cli-channels-'));
  const data = new Uint16Array(W * H * 3);
  const mask = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const p = y * W + x;
      const inside = (x - 20) ** 2 + (y - 18) ** 2 < 100;
      mask[p] = inside ? 255 : 0;
      data[p * 3] = (inside ? 30_000 : 1_000) + 11 * x;
      data[p * 3 + 1] = (x * 7919 + y * 104_729) % 65_536;
      data[p * 3 + 2] = 400 + 800 * y;
    }
  }
  await mkdir(join(dir, 'images'));
  await mkdir(join(dir, 'labels'));
  const tiff = encodeTiffSync({ width: W, height: H, channels: 3, bitDepth: 16, data }, 'cells.tif', {
    layout: 'hyperstack',
  });
  await writeFile(join(dir, 'images', 'cells.tif'), tiff);
  await writeFile(
    join(dir, 'labels', 'cells.png'),
    encodePng({ width: W, height: H, channels: 1, bitDepth: 8, data: mask }),
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('unet-studio train --channels', () => {
  it('trains a 2-channel model on channels 3 and 1 that remembers them; predict selects them', async () => {
    const out = join(dir, 'run');
    const train = await runCli(
      [
        'train',
        ...['--images', join(dir, 'images'), '--labels', join(dir, 'labels'), '--out', out],
        ...['--channels', '3,1', '--steps', '3', '--tile', '44', '--depth', '2', '--filters', '2'],
        ...['--no-augment', '--val-fraction', '0', '--backend', 'cpu'],
      ],
      { timeoutMs: 180_000 },
    );
    expect(train.stderr).not.toMatch(/error/i);
    expect(train.code).toBe(0);
    const metadata = JSON.parse(await readFile(join(out, 'model', 'metadata.json'), 'utf8'));
    expect(metadata.architecture.inputChannels).toBe(2);
    expect(metadata.inputChannels).toEqual([{ index: 2 }, { index: 0 }]);

    const predict = await runCli(
      ['predict', '--model', join(out, 'model'), '--images', join(dir, 'images'), '--out', join(dir, 'pred')],
      { timeoutMs: 120_000 },
    );
    expect(predict.stderr).toBe('');
    expect(predict.code).toBe(0);
    expect(await readImage(join(dir, 'pred', 'cells.png'))).toMatchObject({
      width: W,
      height: H,
      channels: 1,
    });

    const bad = await runCli(['train', '--images', dir, '--labels', dir, '--out', out, '--channels', '0,2']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--channels takes channel numbers 1..64, each once, e.g. 1,3');
  }, 300_000);
});
