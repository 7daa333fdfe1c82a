import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TILE_SIZE } from '../../shared/imageData';
import { writeAnnotation } from './annotationFiles';
import { ImageLabels } from './ImageLabels';
import {
  emptyLabelTile,
  labelTileFolder,
  readLabelTile,
  rollForwardLabelTiles,
  writeLabelTiles,
} from './labelTiles';
import { Project } from './project';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'unet-labeltiles-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const ID = 'img_0123456789ab';

function patchOf(x: number, y: number, w: number, h: number, classId: number, instance: number) {
  return {
    x,
    y,
    w,
    h,
    classes: new Uint8Array(w * h).fill(classId),
    instances: new Uint16Array(w * h).fill(instance),
  };
}

describe('label tiles', () => {
  it('a patch writes only the tiles it touches and reads back exactly', async () => {
    const labels = await ImageLabels.load(root, ID, 3000, 2000);
    expect(labels.index().tiles).toEqual([]);
    // 20x10 straddling the tile corner at (1024, 512): four tiles.
    await labels.applyPatch(patchOf(1014, 507, 20, 10, 2, 7));
    expect(labels.index().tiles).toEqual([
      [1, 0],
      [2, 0],
      [1, 1],
      [2, 1],
    ]);
    expect(labels.index().nextInstanceId).toBe(8);
    expect(labels.status()).toEqual({ labelledPixels: 200, objects: 1 });
    expect((await readdir(labelTileFolder(root, ID))).sort()).toEqual(
      ['1_0', '1_1', '2_0', '2_1'].flatMap((t) => [`${t}.classes.png`, `${t}.instances.png`]).sort(),
    );
    // A fresh load (another session) sees the same pixels.
    const again = await ImageLabels.load(root, ID, 3000, 2000);
    const tile = await again.tile(2, 1);
    expect(tile.classes[0]).toBe(2); // pixel (1024, 512)
    expect(tile.instances[4 * TILE_SIZE + 9]).toBe(7); // (1033, 516)
    expect(tile.classes[5 * TILE_SIZE]).toBe(0); // (1024, 517): below the patch
    const whole = await again.whole();
    for (let y = 500; y < 520; y++) {
      for (let x = 1010; x < 1040; x++) {
        const inside = x >= 1014 && x < 1034 && y >= 507 && y < 517;
        expect(whole.classes[y * 3000 + x]).toBe(inside ? 2 : 0);
      }
    }
    // Erasing a tile back to zero removes its files.
    await again.applyPatch(patchOf(1014, 507, 10, 5, 0, 0));
    expect(again.index().tiles).toEqual([
      [2, 0],
      [1, 1],
      [2, 1],
    ]);
    expect(again.status()).toEqual({ labelledPixels: 150, objects: 1 });
  });

  it('an untouched 20000x20000 annotation costs no files and no whole-image memory', async () => {
    const labels = await ImageLabels.load(root, ID, 20000, 20000);
    expect(labels.index().tiles).toEqual([]);
    await labels.applyPatch(patchOf(19990, 19990, 10, 10, 1, 0));
    expect(labels.index().tiles).toEqual([[39, 39]]);
    await expect(labels.whole()).rejects.toMatchObject({ code: 'too_large' });
    await expect(labels.tile(40, 0)).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('migrates whole-image label PNGs of an older project into tiles', async () => {
    const width = 700;
    const height = 600;
    const classes = new Uint8Array(width * height);
    const instances = new Uint16Array(width * height);
    classes[599 * width + 699] = 2;
    instances[599 * width + 699] = 41;
    classes[3] = 1;
    await mkdir(join(root, 'annotations'));
    await writeAnnotation(root, { imageId: ID, width, height, classes, instances, nextInstanceId: 42 });
    const labels = await ImageLabels.load(root, ID, width, height);
    expect(labels.index().tiles).toEqual([
      [0, 0],
      [1, 1],
    ]);
    expect(labels.index().nextInstanceId).toBe(42);
    const whole = await labels.whole();
    // Buffer.equals: vitest's deep equality walks 420000 elements slowly.
    expect(Buffer.from(whole.classes.buffer).equals(Buffer.from(classes.buffer))).toBe(true);
    expect(Buffer.from(whole.instances.buffer).equals(Buffer.from(instances.buffer))).toBe(true);
    const annotations = await readdir(join(root, 'annotations'));
    expect(annotations.filter((n) => n.endsWith('.png'))).toEqual([]);
  });

  it('rolls a committed write forward and drops an uncommitted one', async () => {
    const tile = emptyLabelTile();
    tile.classes[0] = 2;
    await writeLabelTiles(root, ID, [{ tx: 0, ty: 0, data: tile }]);
    const folder = labelTileFolder(root, ID);
    // Killed after staging, before its journal: the staged files are never read, then removed.
    const staged = encode({
      width: TILE_SIZE,
      height: TILE_SIZE,
      channels: 1,
      depth: 8,
      data: new Uint8Array(TILE_SIZE ** 2),
    });
    await writeFile(join(folder, '0_0.classes.png.0123456789ab.pending'), staged);
    await rollForwardLabelTiles(root, ID);
    expect((await readLabelTile(root, ID, 0, 0))?.classes[0]).toBe(2);
    // Killed after its journal: the renames are completed.
    const next = encode({
      width: TILE_SIZE,
      height: TILE_SIZE,
      channels: 1,
      depth: 8,
      data: new Uint8Array(TILE_SIZE ** 2).fill(1),
    });
    await writeFile(join(folder, '0_0.classes.png.aaaaaaaaaaaa.pending'), next);
    await writeFile(
      join(folder, 'commit.json'),
      JSON.stringify({
        put: [{ tile: '0_0', classes: '0_0.classes.png.aaaaaaaaaaaa.pending', instances: 'x' }],
        remove: [],
      }),
    );
    await rollForwardLabelTiles(root, ID);
    expect((await readLabelTile(root, ID, 0, 0))?.classes[5]).toBe(1);
    expect((await readdir(folder)).sort()).toEqual(['0_0.classes.png', '0_0.instances.png']);
  });

  it('a project serves label tiles and keeps them after reopening', async () => {
    const dir = join(root, 'proj');
    const project = await Project.create(dir, 'Tiles');
    const png = encode({
      width: 600,
      height: 520,
      channels: 1,
      depth: 8,
      data: new Uint8Array(600 * 520).fill(9),
    });
    const [entry] = await project.importBytes('a.png', png);
    const status = await project.saveAnnotationPatch(entry.id, patchOf(590, 515, 10, 5, 2, 3));
    expect(status).toEqual({ labelledPixels: 50, objects: 1 });
    await project.close();
    const reopened = await Project.open(dir);
    expect((await reopened.labelTileIndex(entry.id)).tiles).toEqual([[1, 1]]);
    const tile = await reopened.readLabelTile(entry.id, 1, 1);
    expect(tile.classes[3 * TILE_SIZE + (590 - TILE_SIZE)]).toBe(2);
    expect((await reopened.readAnnotation(entry.id)).instances[519 * 600 + 599]).toBe(3);
    await reopened.removeImage(entry.id);
    expect(await readdir(join(dir, 'annotations'))).toEqual([]);
    await reopened.close();
  });
});
