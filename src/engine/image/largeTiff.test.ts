import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shouldStream } from '../prediction/predictLargeImage';
import { tiffScale } from './largeTiff';
import { TiledTiffWriter } from './tiff/TiledTiffWriter';

let dir = '';
/** An all-zero tiled TIFF (every tile shares one stored zero tile, so big ones are cheap). */
async function emptyTiff(name: string, width: number, height: number): Promise<string> {
  const path = join(dir, name);
  const writer = await TiledTiffWriter.create(path, {
    width,
    height,
    channels: 1,
    bitDepth: 8,
    tileSize: 1024,
  });
  await writer.close();
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'large-tiff-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('tiffScale and shouldStream', () => {
  it('choose the whole-image or the streamed path from the header', async () => {
    const small = await emptyTiff('small.tif', 4096, 4096); // exactly STREAM_PIXELS
    const large = await emptyTiff('large.tif', 4097, 4096);
    const huge = await emptyTiff('huge.tif', 16385, 1100); // a side over MAX_IMAGE_SIDE
    const notTiff = join(dir, 'big.png');
    await writeFile(notTiff, 'not read');
    const broken = join(dir, 'broken.tif');
    await writeFile(broken, 'II*\0garbage');
    expect(await Promise.all([small, large, huge, notTiff, broken].map(tiffScale))).toEqual([
      'small',
      'large',
      'huge',
      'small',
      'small',
    ]);
    expect(await shouldStream(small, 'auto')).toBe(false);
    expect(await shouldStream(large, 'auto')).toBe(true);
    // Probabilities etc. keep an image that fits on the whole-image path; a huge one streams.
    expect(await shouldStream(large, 'auto', true)).toBe(false);
    expect(await shouldStream(huge, 'auto', true)).toBe(true);
    expect(await shouldStream(small, true)).toBe(true);
    expect(await shouldStream(huge, false)).toBe(false);
    await expect(shouldStream(notTiff, true)).rejects.toMatchObject({
      code: 'unsupported_format',
      message: `${notTiff}: only TIFF/BigTIFF images are streamed`,
    });
  });
});
