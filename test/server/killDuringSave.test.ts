import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode, encode } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Project } from '../../src/engine/index';
import { TILE_SIZE } from '../../src/shared/imageData';
import { startServeRunning } from '../support/serveProcess';

const SIZE = 256;
let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'unet-kill-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('kill -9 of the server during annotation saves', () => {
  it('reopens with the last saved state: every file whole, labels a prefix of the strokes sent', async () => {
    const dir = join(root, 'proj');
    const setup = await Project.create(dir, 'Crash');
    const gray = encode({
      width: SIZE,
      height: SIZE,
      data: new Uint8Array(SIZE * SIZE).fill(90),
      depth: 8,
      channels: 1,
    });
    const [image] = await setup.importBytes('gray.png', gray);
    await setup.close();

    const server = await startServeRunning(dir, [], { UNET_STUDIO_CONFIG_DIR: join(root, 'config') });
    const { api } = server;

    // One stroke per row: class 1 or 2, object id row + 1. Sent back to back, killed mid-way.
    let confirmed = 0;
    const strokes = (async () => {
      for (let row = 0; row < SIZE; row++) {
        const result = await api.saveAnnotationPatch(image.id, {
          x: 0,
          y: row,
          w: SIZE,
          h: 1,
          classes: new Uint8Array(SIZE).fill(1 + (row % 2)),
          instances: new Uint16Array(SIZE).fill(row + 1),
        });
        if (!result.ok) return;
        confirmed = row + 1;
      }
    })();
    while (confirmed < 5) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 40));
    server.child.kill('SIGKILL');
    await server.exited;
    await strokes;

    const reopened = await Project.open(dir);
    const annotation = await reopened.readAnnotation(image.id);
    // The image is one label tile: both of its files, read straight from disk.
    const tileFile = (part: string) => join(dir, 'annotations', image.id, `0_0.${part}.png`);
    const crop = (data: ArrayLike<number>) =>
      Array.from({ length: SIZE * SIZE }, (_, i) => data[Math.floor(i / SIZE) * TILE_SIZE + (i % SIZE)]);
    const classesOnDisk = { data: crop(decode(await readFile(tileFile('classes'))).data) };
    const instancesOnDisk = { data: crop(decode(await readFile(tileFile('instances'))).data) };
    await reopened.close();
    // Both files hold a prefix of the strokes: rows 0..k-1 (instances) and 0..kc-1 (classes).
    // A tile write renames both files after one journal, so both hold the same prefix;
    // k covers every stroke confirmed before the kill.
    const prefix = (data: ArrayLike<number>, want: (row: number) => number) => {
      let rows = 0;
      while (rows < SIZE && data[rows * SIZE] === want(rows)) rows++;
      for (let i = 0; i < SIZE * SIZE; i++) {
        const row = Math.floor(i / SIZE);
        if (data[i] !== (row < rows ? want(row) : 0)) throw new Error(`pixel ${i} breaks the prefix`);
      }
      return rows;
    };
    const k = prefix(instancesOnDisk.data, (row) => row + 1);
    const kc = prefix(classesOnDisk.data, (row) => 1 + (row % 2));
    expect(k).toBeGreaterThanOrEqual(confirmed);
    expect(kc).toBe(k);
    expect([...annotation.classes.subarray(0, SIZE)]).toEqual(classesOnDisk.data.slice(0, SIZE));
    expect(annotation.nextInstanceId).toBe(k + 1);
    const leftovers = await readdir(join(dir, 'annotations', image.id));
    expect(leftovers.filter((n) => n.endsWith('.tmp') || n.endsWith('.pending'))).toEqual([]);
  });
});
