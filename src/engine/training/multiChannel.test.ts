import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MultiChannelImage, writeNpy, writePng } from '../image/index';
import { DEFAULT_PERCENTILE_NORMALIZATION as PERCENTILE } from '../model/types';
import { modelChannelsOf, modelInput } from '../prediction/modelInput';
import { pixelsWithChannels } from './normalization';
import { readInputImage } from './readInputImage';
import { parseTrainConfig } from './trainConfig';
import { loadTrainingData, normalizeSamples } from './trainingData';

/** numpy.percentile (linear interpolation), written out on a sorted copy of plain numbers. */
function numpyPercentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const h = ((sorted.length - 1) * q) / 100;
  const below = sorted[Math.floor(h)];
  const above = sorted[Math.ceil(h)];
  return below + (above - below) * (h - Math.floor(h));
}

const W = 11;
const H = 13;
const C = 5;
/** Five 16-bit channels of very different ranges, from a fixed LCG. */
function fiveChannels(): MultiChannelImage {
  let seed = 5;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const ranges = [100, 60_000, 7, 3000, 65_535];
  const data = Uint16Array.from({ length: W * H * C }, (_, i) => Math.floor(next() * ranges[i % C]));
  return { width: W, height: H, channels: C, bitDepth: 16, data };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'unet-multichannel-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('N input channels', () => {
  it('training and prediction normalise each of 5 channels by its own percentiles, identically', async () => {
    const img = fiveChannels();
    const imagePath = join(dir, 'five.npy');
    await writeNpy(imagePath, { shape: [H, W, C], data: img.data });
    const maskPath = join(dir, 'five_mask.png');
    const mask = Uint8Array.from({ length: W * H }, (_, i) => (i % W > 5 ? 255 : 0));
    await writePng(maskPath, { width: W, height: H, channels: 1, bitDepth: 8, data: mask });
    const config = parseTrainConfig({
      images: [{ image: imagePath, annotation: { kind: 'mask', path: maskPath } }],
      outDir: join(dir, 'run'),
      steps: 1,
    });
    const data = await loadTrainingData(config, 2);
    expect(data.channels).toBe(C);
    normalizeSamples(data.samples, PERCENTILE);
    const trained = data.samples[0].image;

    const predicted = modelInput(await readInputImage(imagePath), C, PERCENTILE, 'five.npy');
    expect(Array.from(predicted)).toEqual(Array.from(trained));

    // Brute force: each channel on its own, values / 65535, numpy's percentiles in float64.
    for (let c = 0; c < C; c++) {
      const channel = Array.from({ length: W * H }, (_, p) => img.data[p * C + c] / 65535);
      const lo = numpyPercentile(channel, PERCENTILE.low);
      const hi = numpyPercentile(channel, PERCENTILE.high);
      for (let p = 0; p < W * H; p++) {
        expect(predicted[p * C + c]).toBeCloseTo((channel[p] - lo) / (hi - lo + PERCENTILE.epsilon), 4);
      }
    }
  });

  it('training images of different channel counts, or not the chosen count, are refused by name', async () => {
    const two = join(dir, 'two.npy');
    await writeNpy(two, { shape: [H, W, 2], data: new Uint8Array(W * H * 2) });
    const gray = join(dir, 'gray.png');
    await writePng(gray, { width: W, height: H, channels: 1, bitDepth: 8, data: new Uint8Array(W * H) });
    const maskPath = join(dir, 'mask.png');
    await writePng(maskPath, { width: W, height: H, channels: 1, bitDepth: 8, data: new Uint8Array(W * H) });
    const annotation = { kind: 'mask', path: maskPath };
    const mixed = parseTrainConfig({
      images: [
        { image: two, annotation },
        { image: gray, annotation },
      ],
      outDir: join(dir, 'mixed'),
      steps: 1,
    });
    await expect(loadTrainingData(mixed, 2)).rejects.toThrow(
      `${gray} has 1 channel(s) but ${two} has 2: training images must have the same channels`,
    );
    const chosen = parseTrainConfig({
      images: [{ image: two, annotation }],
      outDir: join(dir, 'chosen'),
      steps: 1,
      inputChannels: [{ index: 0 }, { index: 1 }, { index: 3 }],
    });
    await expect(loadTrainingData(chosen, 2)).rejects.toThrow(
      `${two} has 2 channel(s) but 3 chosen channels has 3`,
    );
  });

  it('selects a model’s channels in its order, and names a missing one; never converts 2 to 1 or 3', () => {
    const img = fiveChannels();
    const picked = modelChannelsOf(img, [{ index: 4 }, { index: 1, name: 'membrane' }], 'five');
    expect(picked.channels).toBe(2);
    for (let p = 0; p < W * H; p++) {
      expect(picked.data[p * 2]).toBe(img.data[p * C + 4]);
      expect(picked.data[p * 2 + 1]).toBe(img.data[p * C + 1]);
    }
    expect(modelChannelsOf(img, undefined, 'five')).toBe(img);
    const gray: MultiChannelImage = { ...img, channels: 1, data: img.data.subarray(0, W * H) };
    expect(() => modelChannelsOf(gray, [{ index: 0 }, { index: 1, name: 'membrane' }], 'g.tif')).toThrow(
      'g.tif has 1 channel, but the model takes channel 2 ("membrane") (it was trained on channels 1, 2 ("membrane")).',
    );
    expect(() => pixelsWithChannels(picked, 1, 'two.tif')).toThrow(
      'two.tif has 2 channels; the model takes 1 and cannot convert 2 to 1',
    );
    expect(() => modelInput(gray, 2, PERCENTILE, 'g.tif')).toThrow(
      'g.tif has 1 channel; the model takes 2 and cannot convert 1 to 2',
    );
    expect(() => modelInput(picked, 3, PERCENTILE, 'two.tif')).toThrow(
      'two.tif has 2 channels; the model takes 3 and cannot convert 2 to 3',
    );
  });
});
