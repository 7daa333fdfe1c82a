import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../test/support/cli';
import { writeTiledTiff } from '../../../test/support/tiledTiff';

let dir: string;
const W = 150;
const H = 97;

/** A tiled TIFF mask of squares (8-bit 0/255) shifted by `shift`. */
async function squares(path: string, shift: number): Promise<void> {
  const data = Uint8Array.from({ length: W * H }, (_, i) => {
    const x = (i % W) + shift;
    const y = Math.floor(i / W) + shift;
    return x % 20 < 12 && y % 16 < 10 ? 255 : 0;
  });
  await writeTiledTiff(path, { width: W, height: H, channels: 1, bitDepth: 8, data }, 32);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'unet-evaluate-stream-'));
  await squares(join(dir, 'pred', 'slide.tif'), 1);
  await squares(join(dir, 'truth', 'slide.tif'), 0);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('unet-studio evaluate --stream', () => {
  it('scores TIFF masks in bands exactly as the whole-image path does', async () => {
    const args = ['evaluate', '--pred', join(dir, 'pred'), '--truth', join(dir, 'truth'), '--json'];
    const streamed = await runCli([...args, '--stream', 'always']);
    const whole = await runCli([...args, '--stream', 'never']);
    expect(streamed.code).toBe(0);
    expect(whole.code).toBe(0);
    const a = JSON.parse(streamed.stdout);
    const b = JSON.parse(whole.stdout);
    expect(a.images[0].truthObjects).toBe(8 * 7);
    expect(a.images[0].foregroundIoU).toBeGreaterThan(0.5);
    expect(a.images[0].foregroundIoU).toBeLessThan(1);
    expect(a).toEqual(b);
  }, 60_000);
});
