import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { previewPath, readPreviewFile, writePreviewFile } from './previewFile';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'preview-file-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('preview files', () => {
  it('hold classes exactly and the foreground probability to 1/255, with step and class count', async () => {
    const width = 5;
    const height = 3;
    const classes = Uint8Array.from({ length: 15 }, (_, i) => i % 3);
    const foreground = Float32Array.from({ length: 15 }, (_, i) => i / 14);
    const path = previewPath(dir, 'img_0123456789ab');
    expect(path).toBe(join(dir, 'preview', 'img_0123456789ab.png'));
    await writePreviewFile(path, { step: 40, at: 'then', width, height, classCount: 3, classes, foreground });
    const read = await readPreviewFile(path);
    expect(read).toMatchObject({ step: 40, at: 'then', width, height, classCount: 3 });
    expect([...read!.classes]).toEqual([...classes]);
    for (let i = 0; i < 15; i++) {
      expect(Math.abs(read!.foreground[i] - foreground[i])).toBeLessThanOrEqual(0.5 / 255 + 1e-7);
    }
    // One plain PNG: any viewer opens it (class in the first channel).
    const png = decode(new Uint8Array(await (await import('node:fs/promises')).readFile(path)));
    expect([png.channels, png.depth, png.data[2]]).toEqual([2, 8, classes[1]]);
  });

  it('keep the interior probability of a run that learns object borders as a third channel', async () => {
    const classes = Uint8Array.from([0, 1, 1, 0]);
    const foreground = Float32Array.from([0.1, 0.9, 0.8, 0.2]);
    const interior = Float32Array.from([0, 0.7, 0.05, 0]);
    const path = previewPath(dir, 'borders');
    await writePreviewFile(path, {
      step: 7,
      at: 'now',
      width: 2,
      height: 2,
      classCount: 2,
      classes,
      foreground,
      interior,
    });
    const read = await readPreviewFile(path);
    expect(read!.interior).toHaveLength(4);
    for (let i = 0; i < 4; i++)
      expect(Math.abs(read!.interior![i] - interior[i])).toBeLessThanOrEqual(0.5 / 255 + 1e-7);
    // A preview without one reads without one.
    await writePreviewFile(path, {
      step: 8,
      at: 'now',
      width: 2,
      height: 2,
      classCount: 2,
      classes,
      foreground,
    });
    expect((await readPreviewFile(path))!.interior).toBeUndefined();
  });

  it('reads as null when missing, refuses other files, and never names a path outside the run', async () => {
    expect(await readPreviewFile(join(dir, 'none.png'))).toBeNull();
    const other = join(dir, 'other.png');
    await writeFile(other, 'not a png');
    await expect(readPreviewFile(other)).rejects.toMatchObject({ code: 'corrupt_file' });
    for (const id of ['../x', 'a/b', '', '..']) {
      expect(() => previewPath(dir, id)).toThrow(/cannot name a preview file/);
    }
  });
});
