import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readPixelSize } from '../../engine/index';
import type { Prediction } from '../../shared/apiModels';
import type { ImageEntry } from '../../shared/schemas';
import { writeMaskFiles } from './writeMaskFiles';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'unet-mask-px-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const prediction: Prediction = {
  modelId: 'run_abcd.best',
  imageId: 'img_000000000001',
  width: 2,
  height: 2,
  classCount: 2,
  classes: Uint8Array.from([0, 1, 1, 0]),
  foreground: new Float32Array(4),
  instances: Uint16Array.from([0, 1, 2, 0]),
  objects: 2,
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
      modelId: 'run_abcd.best',
      imageIds: [],
      folder: dir,
      format: 'tif' as const,
      kind: 'instances' as const,
    };
    const { files } = await writeMaskFiles(request, [{ entry: entry({ x: 0.325, y: 0.5 }), prediction }]);
    const size = await readPixelSize(files[0]);
    expect(size?.x).toBeCloseTo(0.325, 9);
    expect(size?.y).toBeCloseTo(0.5, 9);
  });

  it('say nothing of a size the image never had', async () => {
    const request = {
      modelId: 'run_abcd.best',
      imageIds: [],
      folder: dir,
      format: 'tif' as const,
      kind: 'binary' as const,
    };
    const { files } = await writeMaskFiles(request, [{ entry: entry(), prediction }]);
    expect(await readPixelSize(files[0])).toBeUndefined();
  });
});
