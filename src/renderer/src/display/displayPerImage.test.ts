import { describe, expect, it } from 'vitest';
import {
  type ImageTileInfo,
  type LabelTileIndex,
  type Result,
  type StudioApi,
  TILE_SIZE,
} from '../../../shared/api';
import type { ImageDisplay } from '../../../shared/schemas';
import { StudioController } from '../store/StudioController';

/** A fake API serving 2x2 8-bit images and recording display saves. */
function fakeApi() {
  const saves: [string, ImageDisplay][] = [];
  const ok = <T>(value: T): Promise<Result<T>> => Promise.resolve({ ok: true, value });
  const methods = {
    getImageTileInfo: (id: string) => {
      const info: ImageTileInfo = {
        imageId: id,
        width: 2,
        height: 2,
        channels: 1,
        bitDepth: 8,
        tileSize: TILE_SIZE,
        levels: [{ width: 2, height: 2 }],
        stats: { min: 10, max: 40, low: 10, high: 40 },
      };
      return ok(info);
    },
    getImageTile: (id: string, level: number, tx: number, ty: number) =>
      ok({
        imageId: id,
        level,
        tx,
        ty,
        width: 2,
        height: 2,
        channels: 1,
        bitDepth: 8 as const,
        data: Uint8Array.from([10, 20, 30, 40]),
      }),
    getLabelTileIndex: (id: string) => {
      const index: LabelTileIndex = {
        imageId: id,
        width: 2,
        height: 2,
        tileSize: TILE_SIZE,
        tiles: [],
        nextInstanceId: 1,
      };
      return ok(index);
    },
    setImageDisplay: (id: string, display: ImageDisplay) => {
      saves.push([id, display]);
      return Promise.resolve({
        ok: false,
        error: { code: 'not_found', message: 'no project in this test' },
      } as const);
    },
  };
  const api = new Proxy(methods, {
    get: (target, name) => {
      if (name in target) return target[name as keyof typeof target];
      throw new Error(`unexpected API call ${String(name)}`);
    },
  }) as unknown as StudioApi;
  return { api, saves };
}

describe('display settings per image', () => {
  it('stay with their image when images switch at once, and are saved for that image only', async () => {
    const { api, saves } = fakeApi();
    const c = new StudioController(api);
    await c.selectImage('img_000000000001');
    expect(c.store.get().display).toEqual({ lut: 'gray', min: 10, max: 40, channels: [] });
    const fire = { ...c.store.get().display, lut: 'fire' as const, min: 12 };
    c.setDisplay(fire);
    await c.selectImage('img_000000000002'); // before the 400 ms save
    expect(c.store.get().display.lut).toBe('gray');
    await c.selectImage('img_000000000001');
    expect(c.store.get().display).toEqual(fire);
    await new Promise((r) => setTimeout(r, 500));
    expect(saves).toEqual([['img_000000000001', fire]]);
  });
});
