import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../../../test/support/maxAbsDiff';
import { createUNet } from '../model/index';
import { createTfPredictor } from './Predictor';
import { predictImage } from './predictImage';
import { applyMap, dihedralMap, predictImageTta } from './testTimeAugmentation';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** The test's own D4: turn 90 degrees clockwise `turns` times, after a mirror if `mirror`. */
function transform(img: Float32Array, w: number, h: number, c: number, turns: number, mirror: boolean) {
  let data = img;
  let width = w;
  let height = h;
  if (mirror) {
    const out = new Float32Array(data.length);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++)
        for (let k = 0; k < c; k++)
          out[(y * width + (width - 1 - x)) * c + k] = data[(y * width + x) * c + k];
    data = out;
  }
  for (let t = 0; t < turns; t++) {
    const out = new Float32Array(data.length);
    // Clockwise: (x, y) -> (height - 1 - y, x) in a height x width result.
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++)
        for (let k = 0; k < c; k++)
          out[(x * height + (height - 1 - y)) * c + k] = data[(y * width + x) * c + k];
    data = out;
    [width, height] = [height, width];
  }
  return { data, width, height };
}

/** Inverse of `transform`: turn back counter-clockwise, then undo the mirror. */
function untransform(img: Float32Array, w: number, h: number, c: number, turns: number, mirror: boolean) {
  let current = { data: img, width: w, height: h };
  for (let t = 0; t < (4 - turns) % 4; t++)
    current = transform(current.data, current.width, current.height, c, 1, false);
  if (mirror) current = transform(current.data, current.width, current.height, c, 0, true);
  return current.data;
}

describe('test-time augmentation', () => {
  it('dihedralMap gives 8 different bijections of a non-square image', () => {
    const seen = new Set<string>();
    for (let k = 0; k < 8; k++) {
      const { map, width, height } = dihedralMap(k, 5, 3);
      expect(width * height).toBe(15);
      expect(new Set(map).size).toBe(15);
      seen.add(map.join(','));
    }
    expect(seen.size).toBe(8);
  });

  it('averages the probabilities of the 8 flips and rotations, mapped back (brute force)', async () => {
    const config = { depth: 2, baseFilters: 3, inputChannels: 2, classes: 3, dropout: 0 };
    const unet = createUNet(config, 52, 5);
    const predictor = createTfPredictor(unet);
    const w = 29;
    const h = 18;
    const image = Float32Array.from({ length: w * h * 2 }, (_, i) => Math.sin(i * 0.7) + (i % 11) / 5);
    const sum = new Float64Array(w * h * 3);
    for (const mirror of [false, true]) {
      for (let turns = 0; turns < 4; turns++) {
        const t = transform(image, w, h, 2, turns, mirror);
        const p = (await predictImage(t.data, t.width, t.height, 2, predictor)).probabilities;
        const back = untransform(p, t.width, t.height, 3, turns, mirror);
        for (let i = 0; i < sum.length; i++) sum[i] += back[i] / 8;
      }
    }
    const before = tf.memory().numTensors;
    const progress: [number, number][] = [];
    const tta = await predictImageTta(image, w, h, 2, predictor, {
      onProgress: (d, n) => progress.push([d, n]),
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(maxAbsDiff(tta.probabilities, Float32Array.from(sum))).toBeLessThan(1e-5);
    expect(tta.tiles).toBe(8 * (await predictImage(image, w, h, 2, predictor)).tiles);
    expect(progress.at(-1)).toEqual([tta.tiles, tta.tiles]);
    for (let p = 0; p < w * h; p++) {
      const row = Array.from(sum.subarray(p * 3, p * 3 + 3));
      expect(tta.classes[p]).toBe(row.indexOf(Math.max(...row)));
    }
    // Not the plain prediction: the average really mixes the 8 passes.
    const plain = await predictImage(image, w, h, 2, predictor);
    expect(maxAbsDiff(plain.probabilities, tta.probabilities)).toBeGreaterThan(1e-3);
    // applyMap round trip: moving there and back restores the image.
    const { map } = dihedralMap(6, w, h);
    const moved = applyMap(image, map, 2);
    const restored = new Float32Array(image.length);
    for (let i = 0; i < map.length; i++)
      for (let c = 0; c < 2; c++) restored[i * 2 + c] = moved[map[i] * 2 + c];
    expect(restored).toEqual(image);
    await predictor.dispose();
    unet.dispose();
  });
});
