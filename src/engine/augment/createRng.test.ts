import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { createRng } from './createRng';

const draw = (rng: { next(): number }, k: number) => Array.from({ length: k }, () => rng.next());

describe('createRng', () => {
  it('repeats a sequence for the same seed and differs for another', () => {
    expect(draw(createRng(42), 20)).toEqual(draw(createRng('42'), 20));
    expect(draw(createRng(42), 20)).not.toEqual(draw(createRng(43), 20));
    for (const v of draw(createRng('u'), 1000)) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
    }
  });

  it('resumes exactly from a JSON round-tripped state', () => {
    const a = createRng('checkpoint');
    draw(a, 7);
    a.normal();
    const saved = JSON.parse(JSON.stringify(a.state())) as unknown;
    const expected = [...draw(a, 10), a.normal(), a.normal()];
    const b = createRng('ignored when a state is given', saved);
    expect([...draw(b, 10), b.normal(), b.normal()]).toEqual(expected);
  });

  it('draws standard normals', () => {
    const rng = createRng(7);
    const xs = Array.from({ length: 20000 }, () => rng.normal());
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(Math.sqrt(variance) - 1)).toBeLessThan(0.03);
    // P(|x| < 1) = 0.6827 for N(0, 1).
    expect(Math.abs(xs.filter((x) => Math.abs(x) < 1).length / xs.length - 0.6827)).toBeLessThan(0.015);
  });

  it('rejects a state that is not one it saved', () => {
    expect(() => createRng(1, { i: 0, j: 0, S: [1, 2] })).toThrow(AppError);
  });
});
