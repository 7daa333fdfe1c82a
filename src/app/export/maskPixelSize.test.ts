import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readPixelSize } from '../../engine/index';
import type { Annotation } from '../../shared/imageData';
import type { ImageEntry } from '../../shared/schemas';
import { exportMaskFiles } from './writeMaskFiles';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'unet-mask-px-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

// Hand annotations export without a model; the pixel size path is the same for predictions.
const annotation: Annotation = {
  imageId: 'img_000000000001',
  width: 2,
  height: 2,
  classes: Uint8Array.from([1, 2, 2, 1]),
  instances: Uint16Array.from([0, 1, 2, 0]),
  nextInstanceId: 3,
};
const entry = (pixelSize?: ImageEntry['pixelSize']): ImageEntry => ({
  id: 'img_000000000001',
  name: 'fluo.tif',
  file: 'fluo.tif',
  page: 0,
  pages: 1,
  width: 2,
  height: 2,
  channels: 3,
  bitDepth: 16,
  stats: { min: 0, max: 1, low: 0, high: 1 },
  annotation: { labelledPixels: 0, objects: 0 },
  addedAt: '2026-01-01T00:00:00Z',
  ...(pixelSize ? { pixelSize } : {}),
});

describe('exported TIFF masks', () => {
  it("keep the image's pixel size, which the TIFF reader gives back in micrometres", async () => {
    const request = {
      source: 'annotation' as const,
      imageIds: [],
      folder: dir,
      format: 'tif' as const,
      kind: 'instances' as const,
    };
    const images = [{ entry: entry({ x: 0.325, y: 0.5 }), annotation }];
    const { files } = await exportMaskFiles({ projectDir: dir, request, images });
    const size = await readPixelSize(files[0]);
    expect(size?.x).toBeCloseTo(0.325, 9);
    expect(size?.y).toBeCloseTo(0.5, 9);
  });

  it('say nothing of a size the image never had', async () => {
    const request = {
      source: 'annotation' as const,
      imageIds: [],
      folder: dir,
      format: 'tif' as const,
      kind: 'binary' as const,
    };
    const { files } = await exportMaskFiles({
      projectDir: dir,
      request,
      images: [{ entry: entry(), annotation }],
    });
    expect(await readPixelSize(files[0])).toBeUndefined();
  });
});

describe('exported PNG masks', () => {
  it('carry the pixel size as a pHYs chunk in pixels per metre (or none), with the same pixels', async () => {
    const request = {
      source: 'annotation' as const,
      imageIds: [],
      folder: dir,
      format: 'png' as const,
      kind: 'instances' as const,
      naming: 'id' as const,
    };
    const images = [
      { entry: entry({ x: 0.325, y: 0.5 }), annotation },
      { entry: { ...entry(), id: 'img_000000000002' }, annotation },
    ];
    const { files } = await exportMaskFiles({ projectDir: dir, request, images });
    expect(files).toHaveLength(2);
    // fast-png's decoder, checking every chunk's CRC, reads the chunk back.
    const sized = decode(await readFile(files[0]), { checkCrc: true });
    expect(sized.resolution).toEqual({ x: Math.round(1e6 / 0.325), y: 2_000_000, unit: 1 });
    const plain = decode(await readFile(files[1]), { checkCrc: true });
    expect(plain.resolution).toBeUndefined();
    expect(Array.from(sized.data)).toEqual(Array.from(plain.data));
    expect(Array.from(sized.data)).toEqual([0, 1, 2, 0]);
  });
});
