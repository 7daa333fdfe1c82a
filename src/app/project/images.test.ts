import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestService } from '../../../test/support/testService';
import type { StudioService } from '../studioService';

let root: string;
let service: StudioService;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'unet-images-'));
  service = createTestService(root);
});
afterEach(async () => {
  await service.dispose();
  await rm(root, { recursive: true, force: true });
});

const png = (seed: number) =>
  encode({
    width: 6,
    height: 4,
    data: new Uint8Array(24).map((_, i) => (i * seed) % 256),
    depth: 8,
    channels: 1,
  });

describe('project images', () => {
  it('names re-imported files as duplicates (by content, whatever their name) and still imports them', async () => {
    const h = service.handlers;
    const project = await h.createProject(join(root, 'p'), 'p');
    expect((await h.uploadImage('a.png', png(3))).duplicates).toEqual([]);
    expect((await h.uploadImage('b.png', png(5))).duplicates).toEqual([]);
    const again = await h.uploadImage('a.png', png(3));
    expect(again.duplicates).toEqual(['a.png']);
    expect(again.project.images).toHaveLength(3);
    const path = join(project.dir, 'renamed-copy.png');
    await writeFile(path, png(5));
    expect((await h.importImages([path])).duplicates).toEqual(['renamed-copy.png']);
  });

  it('renames and removes images; a bad name is refused with invalid_argument', async () => {
    const h = service.handlers;
    await h.createProject(join(root, 'p'), 'p');
    const [a] = (await h.uploadImage('a.png', png(3))).added;
    const [b] = (await h.uploadImage('b.png', png(5))).added;
    const renamed = await h.renameImage(a.id, '  control 1  ');
    expect(renamed.images.map((i) => i.name)).toEqual(['control 1', 'b.png']);
    await expect(h.renameImage(a.id, 'x/y')).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(h.renameImage('img_nothere', 'x')).rejects.toMatchObject({ code: 'not_found' });
    const left = await h.removeImage(a.id);
    expect(left.images.map((i) => i.id)).toEqual([b.id]);
    // Reopened: the rename and the removal were saved.
    await h.closeProject();
    const reopened = await h.openProject(join(root, 'p'));
    expect(reopened.images.map((i) => [i.id, i.name])).toEqual([[b.id, 'b.png']]);
  });

  it('names the folder in project errors: outside the allowed folder, missing, a file, not a project', async () => {
    const h = service.handlers;
    await expect(h.openProject('/etc')).rejects.toMatchObject({
      code: 'forbidden_path',
      message: `Project folder /etc is outside the allowed folder ${root}: choose a folder inside it.`,
    });
    await expect(h.createProject('/tmp/../etc/x', 'x')).rejects.toMatchObject({
      message: expect.stringContaining(`outside the allowed folder ${root}`),
    });
    await expect(h.openProject(join(root, 'nothing'))).rejects.toMatchObject({
      code: 'not_found',
      message: `Folder does not exist: ${join(root, 'nothing')}`,
    });
    await writeFile(join(root, 'a.txt'), 'x');
    await expect(h.openProject(join(root, 'a.txt'))).rejects.toMatchObject({ code: 'invalid_argument' });
    await mkdir(join(root, 'plain'));
    await expect(h.openProject(join(root, 'plain'))).rejects.toMatchObject({
      code: 'not_found',
      message: expect.stringMatching(/plain is not a U-Net Studio project/),
    });
  });

  it('browses folders inside the allowed folder only, marking projects', async () => {
    const h = service.handlers;
    await h.createProject(join(root, 'proj'), 'p');
    await mkdir(join(root, 'data', 'b'), { recursive: true });
    await mkdir(join(root, 'data', 'a'));
    await mkdir(join(root, '.hidden'));
    await writeFile(join(root, 'file.txt'), 'x');
    const top = await h.browseFolders(null);
    expect(top.dir).toBe(root);
    expect(top.parent).toBeNull();
    // `config` is the test service's own config folder.
    expect(top.folders.filter((f) => f.name !== 'config')).toEqual([
      { name: 'data', isProject: false },
      { name: 'proj', isProject: true },
    ]);
    const data = await h.browseFolders(join(root, 'data'));
    expect([data.parent, data.folders.map((f) => f.name), data.isProject]).toEqual([root, ['a', 'b'], false]);
    await expect(h.browseFolders(join(root, '..'))).rejects.toMatchObject({ code: 'forbidden_path' });
    await expect(h.browseFolders(join(root, 'file.txt'))).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});
