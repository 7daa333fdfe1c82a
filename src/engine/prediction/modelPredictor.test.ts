import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../../../test/support/maxAbsDiff';
import { saveTinyModel, tinyModelMetadata } from '../../../test/support/tinyModel';
import { createUNet, legalInputSizes, unetOutputSize } from '../model/index';
import type { UNetConfig } from '../model/types';
import {
  foregroundProbability,
  inferenceTileSize,
  openModelPredictor,
  STREAM_TILE_BUDGET,
} from './modelPredictor';
import { createTfPredictor } from './Predictor';
import { predictImage } from './predictImage';
import { tileLayout } from './tileLayout';

const CONFIG: UNetConfig = { depth: 2, baseFilters: 4, inputChannels: 1, classes: 2, dropout: 0 };
const NORM = { scale: 255, mean: [0.4], std: [0.2] };
const METADATA = tinyModelMetadata(CONFIG, 52, NORM);
const W = 70;
const H = 45;
const pixels = Uint8Array.from({ length: W * H }, (_, i) => (i * 97) % 256);
let dir = '';

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'model-predictor-'));
  await saveTinyModel(join(dir, 'model'), METADATA, 5);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('inferenceTileSize', () => {
  it('is the legal tile with the least work (tiles x area, brute force), capped by the model width', () => {
    for (const [w, h] of [
      [70, 45],
      [512, 512],
      [1000, 300],
    ]) {
      const cap = Math.floor(Math.sqrt((572 * 572 * 128) / CONFIG.baseFilters));
      let best = 0;
      let bestCost = Number.POSITIVE_INFINITY;
      for (const size of legalInputSizes(CONFIG.depth, 1, cap)) {
        const out = unetOutputSize(size, CONFIG.depth) as number;
        const cost = tileLayout(w, h, size, out, 4).origins.length * size * size;
        if (cost < bestCost) [best, bestCost] = [size, cost];
      }
      expect(inferenceTileSize(CONFIG, 52, w, h)).toBe(best);
    }
    // 64 filters cap the tile at 809 px, 16 at 1618 px, never below the training tile.
    expect(inferenceTileSize({ depth: 4, baseFilters: 64 }, 572, 5000, 5000)).toBeLessThanOrEqual(809);
    expect(inferenceTileSize({ depth: 4, baseFilters: 1024 }, 572, 5000, 5000)).toBeLessThanOrEqual(572);
    // Streaming takes a quarter of the budget: half the edge (cap 1618 -> 809 px for 16 filters).
    expect(inferenceTileSize({ depth: 4, baseFilters: 16 }, 348, 4000, 4000)).toBe(1532);
    expect(inferenceTileSize({ depth: 4, baseFilters: 16 }, 348, 4000, 4000, STREAM_TILE_BUDGET)).toBe(764);
  });
});

describe('openModelPredictor: one pipeline for folders and weights in memory', () => {
  it('segments like a plain TF.js pass at the training tile, from a folder and from weights alike', async () => {
    const before = tf.memory().numTensors;
    const img = { width: W, height: H, channels: 1 as const, bitDepth: 8 as const, data: pixels };
    const fromFolder = await openModelPredictor(join(dir, 'model'), { backend: 'onnx', threads: 1 });
    const a = await fromFolder.predict(img);
    await fromFolder.dispose();
    const unet = createUNet(CONFIG, 52, 5);
    const weights = unet.getWeights();
    // Independent expectation: normalise by hand, one TF.js predictor at the training tile.
    const x = Float32Array.from(pixels, (v) => (v / 255 - NORM.mean[0]) / NORM.std[0]);
    const expected = await predictImage(x, W, H, 1, createTfPredictor(unet));
    unet.dispose();
    const fromWeights = await openModelPredictor({ weights, metadata: METADATA }, { backend: 'tfjs' });
    const b = await fromWeights.predict(img);
    await fromWeights.dispose();
    expect(a.tileSize).toBe(inferenceTileSize(CONFIG, 52, W, H));
    expect(a.tiles).toBe(1);
    expect(maxAbsDiff(a.logits, expected.logits)).toBeLessThan(1e-4);
    expect(maxAbsDiff(b.logits, expected.logits)).toBeLessThan(1e-4);
    expect(tf.memory().numTensors).toBe(before);
    const fg = foregroundProbability(a.probabilities, 2);
    for (let i = 0; i < W * H; i += 97) expect(fg[i]).toBeCloseTo(a.probabilities[i * 2 + 1], 6);
  });
});

describe('openModelPredictor: a channel conversion is said, never silent', () => {
  it('an RGB image through a gray model is averaged (as a gray image of the mean predicts) and says so', async () => {
    // RGB pixels whose channel mean is `pixels`: r = v, g = v + 30 (clamped), b chosen so the mean is v.
    const rgb = new Uint8Array(W * H * 3);
    const gray = new Uint8Array(W * H);
    for (let i = 0; i < W * H; i++) {
      const v = pixels[i];
      const r = v;
      const g = Math.min(255, v + 30);
      const b = 3 * v - r - g;
      const ok = b >= 0 && b <= 255;
      rgb.set(ok ? [r, g, b] : [v, v, v], i * 3);
      gray[i] = v;
    }
    const model = await openModelPredictor(join(dir, 'model'), { backend: 'onnx', threads: 1 });
    try {
      const fromRgb = await model.predict({ width: W, height: H, channels: 3, bitDepth: 8, data: rgb });
      const fromGray = await model.predict({ width: W, height: H, channels: 1, bitDepth: 8, data: gray });
      expect(fromRgb.channelNote).toMatch(/colour image averaged to the 1 \(gray\) channel/);
      expect(fromGray.channelNote).toBeUndefined();
      expect(maxAbsDiff(fromRgb.logits, fromGray.logits)).toBeLessThan(1e-4);
    } finally {
      await model.dispose();
    }
  });
});
