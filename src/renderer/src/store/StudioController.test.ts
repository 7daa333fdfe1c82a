import { describe, expect, it } from 'vitest';
import {
  type AnnotationPatch,
  type ImageTileInfo,
  type LabelTile,
  type LabelTileIndex,
  type Result,
  type StudioApi,
  TILE_SIZE,
} from '../../../shared/api';
import { createTool } from '../annotation/tools/createTool';
import { StudioController } from './StudioController';

const W = 4;
const H = 3;

/** A fake API: the methods the controller needs here, counted; any other method is a test bug. */
function fakeApi() {
  const calls: string[] = [];
  const saved: AnnotationPatch[] = [];
  const ok = <T>(value: T): Promise<Result<T>> => Promise.resolve({ ok: true, value });
  const methods = {
    getImageTileInfo: (id: string) => {
      calls.push(`pixels ${id}`);
      const info: ImageTileInfo = {
        imageId: id,
        width: W,
        height: H,
        channels: 1,
        bitDepth: 8,
        tileSize: TILE_SIZE,
        levels: [{ width: W, height: H }],
        stats: { min: 0, max: 110, low: 10, high: 100 },
      };
      return ok(info);
    },
    getLabelTileIndex: (id: string) => {
      calls.push(`labels ${id}`);
      const index: LabelTileIndex = {
        imageId: id,
        width: W,
        height: H,
        tileSize: TILE_SIZE,
        tiles: [[0, 0]],
        nextInstanceId: 4,
      };
      return ok(index);
    },
    getLabelTile: (id: string, tx: number, ty: number) => {
      const classes = new Uint8Array(TILE_SIZE * TILE_SIZE);
      const instances = new Uint16Array(TILE_SIZE * TILE_SIZE);
      // Pixel (1, 1) of the 4x3 image.
      classes[TILE_SIZE + 1] = 2;
      instances[TILE_SIZE + 1] = 3;
      const tile: LabelTile = { imageId: id, tx, ty, classes, instances };
      return ok(tile);
    },
    getImageTile: (id: string, level: number, tx: number, ty: number) => {
      const data = Uint8Array.from({ length: W * H }, (_, i) => i * 10);
      return ok({ imageId: id, level, tx, ty, width: W, height: H, channels: 1, bitDepth: 8 as const, data });
    },
    saveAnnotationPatch: (_id: string, patch: AnnotationPatch) => {
      saved.push(patch);
      return ok({ labelledPixels: 2, objects: 1 });
    },
  };
  const api = new Proxy(methods, {
    get: (target, name) => {
      if (name in target) return target[name as keyof typeof target];
      throw new Error(`unexpected API call ${String(name)}`);
    },
  }) as unknown as StudioApi;
  return { api, calls, saved };
}

describe('StudioController', () => {
  it('loads pixels and saved labels, windows from the percentiles, and autosaves an edit as a patch', async () => {
    const { api, saved } = fakeApi();
    const c = new StudioController(api);
    await c.selectImage('img_000000000001');
    const s = c.current()!;
    expect(s.labelsReady).toBe(true);
    expect(s.doc.labelAt(1, 1)).toEqual({ classId: 2, instanceId: 3 });
    expect(s.doc.nextInstanceId).toBe(4);
    expect(c.store.get().display).toMatchObject({ min: 10, max: 100 });
    // Pixels come as tiles; the session samples the centre one (Fill tolerance, histogram).
    expect(await s.tiles.fetch(0, 0, 0)).toMatchObject({ width: W, height: H });
    expect(s.valueAt(3, 2)).toBe('110');
    await s.loadSample();
    expect(s.sample?.data[11]).toBe(110);
    // Neighbour differences are 10 and 20 units: the noise is measured on the real pixels.
    expect(s.noise).toBeGreaterThan(0);

    c.store.set({ classId: 1, brushSize: 1 });
    c.syncToolContext(s.ctx);
    const brush = createTool('brush', s.ctx);
    brush.down({ x: 0.5, y: 2.5 });
    brush.up({ x: 1.5, y: 2.5 });
    c.gestureEnded();
    expect(c.store.get().saveState).toBe('pending');
    expect(c.hasUnsavedEdits()).toBe(true);
    await c.flushAll();
    expect(c.hasUnsavedEdits()).toBe(false);
    expect(saved.map((p) => [p.x, p.y, p.w, p.h, ...p.classes])).toEqual([[0, 2, 2, 1, 1, 1]]);
    expect(c.store.get().saveState).toBe('saved');

    c.undo();
    await c.flushAll();
    expect([...saved[1].classes]).toEqual([0, 0]);
  });

  it('keeps undo per image across switches and drops the least recently shown beyond six images', async () => {
    const { api, calls } = fakeApi();
    const c = new StudioController(api);
    const id = (n: number) => `img_00000000000${n}`;
    await c.selectImage(id(1));
    const first = c.current()!;
    first.doc.beginStroke();
    first.doc.paintSpans([{ y: 0, x0: 0, x1: 3 }], { classId: 1, instanceId: 0 });
    first.doc.commitStroke();
    await c.selectImage(id(2));
    await c.selectImage(id(1));
    expect(c.current()).toBe(first);
    expect(first.doc.canUndo).toBe(true);
    for (let n = 2; n <= 8; n++) await c.selectImage(id(n));
    const loads = () => calls.filter((x) => x === `pixels ${id(1)}`).length;
    expect(loads()).toBe(1);
    await c.selectImage(id(1)); // evicted: loaded again, without its undo history
    expect(loads()).toBe(2);
    expect(c.current()!.doc.canUndo).toBe(false);
  });
});
