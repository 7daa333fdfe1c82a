import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { compactLabels, connectedComponents } from './index';

describe('connectedComponents', () => {
  const mask = [1, 1, 0, 1, 0, 1, 0, 1, 1, 0, 0, 0, 1, 0, 1, 1];

  it('4-connectivity on a hand-made 4x4 mask', () => {
    const { labels, count } = connectedComponents(mask, 4, 4);
    expect(count).toBe(4);
    expect(Array.from(labels)).toEqual([1, 1, 0, 2, 0, 1, 0, 2, 3, 0, 0, 0, 3, 0, 4, 4]);
  });

  it('8-connectivity joins the diagonal contact of (1,1) and (2,0)', () => {
    const { labels, count } = connectedComponents(mask, 4, 4, 8);
    expect(count).toBe(3);
    expect(Array.from(labels)).toEqual([1, 1, 0, 2, 0, 1, 0, 2, 1, 0, 0, 0, 1, 0, 3, 3]);
  });

  it('neighbours with different nonzero values stay apart', () => {
    const { labels, count } = connectedComponents([1, 1, 2, 2, 0, 2], 3, 2);
    expect(count).toBe(3);
    expect(Array.from(labels)).toEqual([1, 1, 2, 3, 0, 2]);
  });

  it('matches a union-find labelling on random masks (same partition)', () => {
    const rng = seedrandom('cc');
    for (let trial = 0; trial < 20; trial++) {
      const w = 3 + Math.floor(rng() * 12);
      const h = 3 + Math.floor(rng() * 12);
      const m = Array.from({ length: w * h }, () => (rng() < 0.55 ? 1 + Math.floor(rng() * 2) : 0));
      for (const conn of [4, 8] as const) {
        const { labels, count } = connectedComponents(m, w, h, conn);
        const reference = unionFind(m, w, h, conn);
        expect(count).toBe(new Set(reference.filter((r) => r >= 0)).size);
        // same partition: our label <-> reference root is a bijection on foreground pixels
        const ours = new Map<number, number>();
        const theirs = new Map<number, number>();
        for (let p = 0; p < m.length; p++) {
          expect(labels[p] === 0).toBe(m[p] === 0);
          if (m[p] === 0) continue;
          expect(ours.get(labels[p]) ?? reference[p]).toBe(reference[p]);
          expect(theirs.get(reference[p]) ?? labels[p]).toBe(labels[p]);
          ours.set(labels[p], reference[p]);
          theirs.set(reference[p], labels[p]);
        }
      }
    }
  });

  it('compactLabels renumbers sparse ids in raster order', () => {
    const { labels, count } = compactLabels([0, 500, 500, 7, 0, 65535, 7]);
    expect(count).toBe(3);
    expect(Array.from(labels)).toEqual([0, 1, 1, 2, 0, 3, 2]);
  });
});

/** Independent reference: union-find over all neighbour pairs with equal nonzero values. */
function unionFind(m: number[], w: number, h: number, conn: 4 | 8): number[] {
  const parent = m.map((_, i) => i);
  const find = (i: number): number => {
    let root = i;
    while (parent[root] !== root) root = parent[root];
    return root;
  };
  const offsets =
    conn === 4
      ? [
          [1, 0],
          [0, 1],
        ]
      : [
          [1, 0],
          [0, 1],
          [1, 1],
          [-1, 1],
        ];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (const [dx, dy] of offsets) {
        const nx = x + dx;
        const ny = y + dy;
        if (nx < 0 || nx >= w || ny >= h) continue;
        const p = y * w + x;
        const q = ny * w + nx;
        if (m[p] !== 0 && m[p] === m[q]) parent[find(p)] = find(q);
      }
    }
  }
  return m.map((v, i) => (v === 0 ? -1 : find(i)));
}
