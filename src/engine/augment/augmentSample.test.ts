import { describe, expect, it } from 'vitest';
import { type AugmentOptions, augmentSample, type Sample } from './augmentSample';
import { createRng } from './createRng';

/** A 40x40 two-channel sample with blobs of 3 classes and an unlabelled band. */
function makeSample(width = 40, height = 40): Sample {
  const n = width * height;
  const image = new Float32Array(n * 2);
  const targets = new Uint8Array(n);
  const weights = new Float32Array(n);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      image[2 * p] = Math.sin(x / 3) + y / 10;
      image[2 * p + 1] = (x * y) % 17;
      const label = (x - 20) ** 2 + (y - 15) ** 2 < 64 ? 1 : x > 30 && y > 25 ? 2 : 0;
      const unlabelled = y >= 5 && y < 9;
      targets[p] = unlabelled ? 0 : label;
      // Weight encodes the source pixel: 1 + p / n, 0 on the unlabelled band.
      weights[p] = unlabelled ? 0 : 1 + p / n;
    }
  }
  return { width, height, channels: 2, image, targets, weights };
}

const full: AugmentOptions = { elastic: true, flips: true, rot90: true, rotationDegrees: 15 };

describe('augmentSample', () => {
  it('inverts the contrast per channel within its own range when asked, labels untouched', () => {
    const s = makeSample();
    const none = { elastic: false, flips: false, rot90: false, intensity: false as const };
    const inverted = augmentSample(s, createRng(3), { ...none, invert: 1 });
    for (let c = 0; c < 2; c++) {
      const values = Array.from(s.image).filter((_, i) => i % 2 === c);
      const sum = Math.min(...values) + Math.max(...values);
      for (let i = c; i < s.image.length; i += 2) expect(inverted.image[i]).toBeCloseTo(sum - s.image[i], 5);
    }
    expect(inverted.targets).toEqual(s.targets);
    expect(augmentSample(s, createRng(3), { ...none, invert: 0 }).image).toEqual(s.image);
    // Off draws nothing: the other augmentations stay what they were.
    expect(augmentSample(s, createRng(4), { ...full, invert: 0 }).image).toEqual(
      augmentSample(s, createRng(4), full).image,
    );
  });

  it('is reproducible: same seed same output, another seed another output', () => {
    const s = makeSample();
    const a = augmentSample(s, createRng(1), full);
    const b = augmentSample(s, createRng(1), full);
    const c = augmentSample(s, createRng(2), full);
    expect(a.image).toEqual(b.image);
    expect(a.targets).toEqual(b.targets);
    expect(a.weights).toEqual(b.weights);
    expect(a.image).not.toEqual(c.image);
    expect(a.width).toBe(40);
    expect(a.image).not.toBe(s.image);
  });

  it('continues identically after an rng state save and restore', () => {
    const s = makeSample();
    const straight = createRng('run');
    augmentSample(s, straight, full);
    const second = augmentSample(s, straight, full);
    const first = createRng('run');
    augmentSample(s, first, full);
    const resumed = createRng('run', JSON.parse(JSON.stringify(first.state())) as unknown);
    const again = augmentSample(s, resumed, full);
    expect(again.image).toEqual(second.image);
    expect(again.weights).toEqual(second.weights);
  });

  it('is the identity with zero displacement and no flips or turns', () => {
    const s = makeSample();
    for (const opts of [
      { elastic: false, flips: false, rot90: false },
      { elastic: true, elasticSigma: 0, flips: false, rot90: false },
    ]) {
      const out = augmentSample(s, createRng(3), opts);
      expect(out.image).toEqual(s.image);
      expect(out.targets).toEqual(s.targets);
      expect(out.weights).toEqual(s.weights);
    }
  });

  it('keeps labels in the original set and a constant image constant', () => {
    const s = makeSample();
    s.image.fill(0.7);
    for (let seed = 0; seed < 5; seed++) {
      const out = augmentSample(s, createRng(seed), { ...full, elasticSigma: 25 });
      expect(new Set(out.targets).size).toBeLessThanOrEqual(3);
      for (const t of out.targets) expect([0, 1, 2]).toContain(t);
      for (const v of out.image) expect(v).toBeCloseTo(0.7, 5);
    }
  });

  it('never labels an unlabelled pixel: weights and targets come from one input pixel', () => {
    const s = makeSample();
    const n = s.width * s.height;
    let unlabelledSeen = 0;
    for (let seed = 0; seed < 5; seed++) {
      const out = augmentSample(s, createRng(seed), { ...full, elasticSigma: 15 });
      for (let p = 0; p < n; p++) {
        const w = out.weights[p];
        if (w === 0) {
          unlabelledSeen++;
          expect(out.targets[p]).toBe(0);
          continue;
        }
        // Decode the source pixel from the weight; it must be a labelled input pixel.
        const src = Math.round((w - 1) * n);
        expect(s.weights[src]).toBe(w);
        expect(out.targets[p]).toBe(s.targets[src]);
      }
    }
    expect(unlabelledSeen).toBeGreaterThan(0);
  });

  it('changes gray values within the drawn ranges', () => {
    const s = makeSample();
    const out = augmentSample(s, createRng(9), {
      elastic: false,
      flips: false,
      rot90: false,
      intensity: { gain: 0.2, offset: 0.1 },
    });
    // v' = g v + o for one (g, o): recover them from two pixels and check every pixel.
    const [a, b] = [0, 2];
    const g = (out.image[b] - out.image[a]) / (s.image[b] - s.image[a]);
    const o = out.image[a] - g * s.image[a];
    expect(g).toBeGreaterThanOrEqual(0.8);
    expect(g).toBeLessThanOrEqual(1.2);
    expect(Math.abs(o)).toBeLessThanOrEqual(0.1);
    for (let i = 0; i < s.image.length; i++) expect(out.image[i]).toBeCloseTo(g * s.image[i] + o, 4);
    const gamma = augmentSample(s, createRng(9), {
      elastic: false,
      flips: false,
      rot90: false,
      intensity: { gain: 0, offset: 0, gamma: 0.5 },
    });
    expect(Math.min(...gamma.image)).toBeCloseTo(Math.min(...s.image), 5);
    expect(Math.max(...gamma.image)).toBeCloseTo(Math.max(...s.image), 5);
  });

  it('rejects arrays that do not match the size', () => {
    const s = makeSample();
    expect(() => augmentSample({ ...s, targets: new Uint8Array(3) }, createRng(1))).toThrow(/do not match/);
  });
});
