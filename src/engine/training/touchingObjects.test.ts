import { describe, expect, it } from 'vitest';
import { objectsTouch } from './touchingObjects';

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
