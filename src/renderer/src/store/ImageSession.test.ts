import { describe, expect, it } from 'vitest';
import type { ImagePixels, ImageTile, Result } from '../../../shared/api';
import { ImageSession, toDisplayable } from './ImageSession';

/** Hooks whose tile fetch serves `pixels` as the one tile of a one-level pyramid. */
function hooksFor(pixels: ImagePixels) {
  return {
    fetchTile: (imageId: string, level: number, tx: number, ty: number): Promise<Result<ImageTile>> => {
      const { width, height, channels, bitDepth, data } = pixels;
      return Promise.resolve({
        ok: true,
        value: { imageId, level, tx, ty, width, height, channels, bitDepth, data },
      });
    },
    save: () => Promise.resolve({ ok: true as const, value: { labelledPixels: 0, objects: 0 } }),
    onSaveState: () => {},
    onPick: () => {},
  };
}

/** Asks for tile (0, 0) of level 0 and waits for it to arrive. */
async function loadFirstTile(s: ImageSession): Promise<void> {
  const arrived = new Promise<void>((resolve) => s.tiles.onLoaded(resolve));
  s.tiles.get(0, 0, 0);
  await arrived;
}

function floatImage(): ImagePixels {
  return {
    imageId: 'img_000000000001',
    width: 3,
    height: 1,
    channels: 1,
    bitDepth: 32,
    data: Float32Array.of(-1, 0.5, 3),
    stats: { min: -1, max: 3, low: 0, high: 2 },
  };
}

describe('ImageSession', () => {
  it('quantises float pixels to 16 bits over [min, max] and windows in those units', async () => {
    const raw = toDisplayable(floatImage());
    // (v - (-1)) / 4 * 65535: -1 -> 0, 0.5 -> 24575.6 -> 24576, 3 -> 65535.
    expect(raw.bitDepth).toBe(16);
    expect([...raw.data]).toEqual([0, 24576, 65535]);
    const s = new ImageSession('img_000000000001', ImageSession.infoOf(floatImage()), hooksFor(floatImage()));
    expect(s.raw.bitDepth).toBe(16);
    // low 0 -> 16383.75 -> 16384; high 2 -> 49151.25 -> 49151.
    expect(s.autoWindow()).toEqual({ min: 16384, max: 49151 });
    expect(s.valueAt(1, 0)).toBe('…'); // its tile is not here yet
    await loadFirstTile(s);
    // The tile is quantised for display; the value shown is raw again (to 16-bit precision).
    expect(s.valueAt(1, 0)).toBe('0.5000');
    expect(s.ctx.intensity?.valueAt(2, 0)).toBe(65535);
  });

  it('shows 8/16-bit pixels as they are; labels load only when their size matches', async () => {
    const px: ImagePixels = {
      imageId: 'img_000000000002',
      width: 2,
      height: 1,
      channels: 3,
      bitDepth: 16,
      data: Uint16Array.of(1, 2, 3, 4000, 5000, 6000),
      stats: { min: 1, max: 6000, low: 7, high: 7 },
    };
    const s = new ImageSession(px.imageId, ImageSession.infoOf(px), hooksFor(px));
    await loadFirstTile(s);
    expect(s.tiles.get(0, 0, 0, true)?.data).toBe(px.data);
    expect(s.valueAt(1, 0)).toBe('4000, 5000, 6000');
    expect(s.autoWindow()).toEqual({ min: 7, max: 8 });
    const wrong = {
      imageId: px.imageId,
      width: 1,
      height: 2,
      classes: new Uint8Array(2),
      instances: new Uint16Array(2),
      nextInstanceId: 1,
    };
    expect(s.loadLabels(wrong)).toBe(false);
    expect(s.labelsReady).toBe(false);
    expect(s.loadLabels({ ...wrong, width: 2, height: 1, classes: Uint8Array.of(0, 1) })).toBe(true);
    expect(s.doc.labelAt(1, 0).classId).toBe(1);
  });
});
