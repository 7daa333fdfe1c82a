import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectSnapshot } from '../../src/shared/schemas';
import { type EmPair, emDataSource, emPairs } from '../support/emData';
import { type Harness, startHarness } from './serverHarness';

let h: Harness;
let slice: EmPair;
beforeAll(async () => {
  h = await startHarness();
  [slice] = emPairs([0], h.root);
});
afterAll(async () => {
  await h.stop();
});

function value<T>(
  result: { ok: true; value: T } | { ok: false; error: { code: string; message: string } },
): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

describe('browser shell round trip (client of the renderer against the real server)', () => {
  it(`creates, uploads an EM slice (${emDataSource()}), annotates, and finds the same labels after reopening`, async () => {
    const events: (ProjectSnapshot | null)[] = [];
    const unsubscribe = h.api.onProjectChanged((snapshot) => events.push(snapshot));
    // Let the event socket connect before the first change.
    await new Promise((resolve) => setTimeout(resolve, 200));

    const info = value(await h.api.appInfo());
    expect(info).toMatchObject({ shell: 'browser', nativeDialogs: false });
    expect(value(await h.api.pickFiles())).toEqual({ cancelled: true, paths: [] });

    const dir = join(h.root, 'work', 'em');
    const created = value(await h.api.createProject(dir, 'EM'));
    expect(created.classes.map((c) => c.name)).toEqual(['background', 'cell']);

    const bytes = new Uint8Array(await readFile(slice.image));
    const imported = value(await h.api.uploadImage('0.png', bytes));
    expect(imported.added).toHaveLength(1);
    const image = imported.added[0];
    expect(image).toMatchObject({ name: '0.png', width: 512, height: 512, channels: 1, bitDepth: 8 });
    expect(await readFile(join(dir, 'images', '0.png'))).toEqual(Buffer.from(bytes));

    const pixels = value(await h.api.getImagePixels(image.id));
    expect(pixels.data).toBeInstanceOf(Uint8Array);
    const independent = decode(bytes);
    expect(pixels.data.length).toBe(512 * 512);
    expect(Buffer.from(pixels.data).equals(Buffer.from(independent.data as Uint8Array))).toBe(true);

    const thumbnail = decode(value(await h.api.getThumbnail(image.id)));
    expect([thumbnail.width, thumbnail.height]).toEqual([128, 128]);

    // Background strip, then two cell instances.
    const patch = (x: number, y: number, w: number, h2: number, cls: number, inst: number) => ({
      x,
      y,
      w,
      h: h2,
      classes: new Uint8Array(w * h2).fill(cls),
      instances: new Uint16Array(w * h2).fill(inst),
    });
    value(await h.api.saveAnnotationPatch(image.id, patch(0, 0, 512, 4, 1, 0)));
    value(await h.api.saveAnnotationPatch(image.id, patch(100, 100, 10, 10, 2, 1)));
    const status = value(await h.api.saveAnnotationPatch(image.id, patch(200, 300, 5, 8, 2, 2)));
    expect(status).toEqual({ labelledPixels: 512 * 4 + 100 + 40, objects: 2 });

    value(await h.api.closeProject());
    expect(value(await h.api.getProject())).toBeNull();
    const reopened = value(await h.api.openProject(dir));
    expect(reopened.images[0].annotation).toEqual(status);
    const annotation = value(await h.api.getAnnotation(image.id));
    expect(annotation.classes).toBeInstanceOf(Uint8Array);
    expect(annotation.instances).toBeInstanceOf(Uint16Array);
    const at = (x: number, y: number) => [annotation.classes[y * 512 + x], annotation.instances[y * 512 + x]];
    expect([at(0, 0), at(511, 3), at(0, 4), at(105, 105), at(202, 307), at(205, 307)]).toEqual([
      [1, 0],
      [1, 0],
      [0, 0],
      [2, 1],
      [2, 2],
      [0, 0],
    ]);
    expect(annotation.nextInstanceId).toBe(3);
    // Labels are stored as sparse tiles: count labelled pixels over the tile files.
    let labelled = 0;
    for (const name of await readdir(join(dir, 'annotations', image.id))) {
      if (!name.endsWith('.classes.png')) continue;
      for (const v of decode(await readFile(join(dir, 'annotations', image.id, name))).data)
        if (v !== 0) labelled++;
    }
    expect(labelled).toBe(512 * 4 + 140);

    const recent = value(await h.api.getRecentProjects());
    expect(recent[0]).toMatchObject({ dir, name: 'EM' });

    expect(events.length).toBeGreaterThanOrEqual(5);
    expect(events.at(-1)?.dir).toBe(dir);
    expect(events).toContain(null);
    unsubscribe();
  });

  it('turns expected failures into Results, never rejections', async () => {
    const missing = await h.api.getThumbnail('img_ffffffffffff');
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const notImage = await h.api.uploadImage('notes.png', new TextEncoder().encode('plain text'));
    expect(notImage).toMatchObject({ ok: false, error: { code: 'unsupported_format' } });
    const backend = value(await h.api.getBackendInfo());
    expect(backend.candidates.find((c) => c.name === 'cpu')?.available).toBe(true);
    // The engine's own choice (initBackend), not a placeholder: one of its backends, described.
    expect(['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu']).toContain(backend.active);
    expect(backend.description).toEqual(expect.any(String));
    expect(value(await h.api.getBackendInfo())).toEqual(backend);
  });
});
