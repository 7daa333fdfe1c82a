import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePng } from '../image/index';
import { firstImageWithTouchingObjects, objectsTouch } from './touchingObjects';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'touching-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const W = 8;
/** Rows of digits as object ids. */
const ids = (rows: string[]) => Uint16Array.from(rows.join(''), (c) => Number(c));

describe('objectsTouch', () => {
  it('is true only where two objects share an edge', () => {
    expect(objectsTouch(ids(['11220000', '11220000']), W, 2)).toBe(true);
    expect(objectsTouch(ids(['11000000', '11000000', '22000000']), W, 3)).toBe(true);
    expect(objectsTouch(ids(['11022000', '11022000']), W, 2)).toBe(false);
    // A corner is not an edge (4-connected components of one mask meet like this).
    expect(objectsTouch(ids(['11000000', '00220000']), W, 2)).toBe(false);
  });
});

describe('firstImageWithTouchingObjects', () => {
  it('finds touching instance ids, never in a binary mask or an annotation without ids', async () => {
    const write = async (name: string, data: Uint8Array | Uint16Array, bitDepth: 8 | 16) => {
      const path = join(dir, name);
      await writePng(path, { width: W, height: 2, channels: 1, bitDepth, data });
      return path;
    };
    // The same two touching squares, as a binary mask (one object) and as instance ids.
    const binary = await write(
      'binary.png',
      Uint8Array.from(ids(['11110000', '11110000']), (v) => v * 255),
      8,
    );
    const instances = await write('instances.png', ids(['11220000', '11220000']), 16);
    const apart = await write('apart.png', ids(['11022000', '11022000']), 16);
    const mask = (image: string, path: string) => ({ image, annotation: { kind: 'mask' as const, path } });
    expect(await firstImageWithTouchingObjects([mask('a.png', binary), mask('b.png', apart)])).toBeNull();
    expect(
      await firstImageWithTouchingObjects([mask('a.png', binary), mask('/data/cells.png', instances)]),
    ).toBe('cells.png');
    const classes = await write(
      'classes.png',
      Uint8Array.from(ids(['22220000', '22220000']), (v) => v),
      8,
    );
    const annotation = (instancesPath?: string) => ({
      image: 'p.png',
      annotation: { kind: 'annotation' as const, classesPath: classes, instancesPath },
    });
    expect(await firstImageWithTouchingObjects([annotation()])).toBeNull();
    expect(await firstImageWithTouchingObjects([annotation(instances)])).toBe('p.png');
  });
});
