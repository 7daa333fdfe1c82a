import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTiledTiff } from '../../../test/support/tiledTiff';
import { createRng } from '../augment/index';
import { LazyTiff, type RasterImage } from '../image/index';
import { DEFAULT_PERCENTILE_NORMALIZATION } from '../model/types';
import { lazyTiffSource, modelInput, streamNormalization } from '../prediction/index';
import { type LabelledRegion, regionTrainingSamples } from './regionSamples';
import { chooseOutputWindow, cutTile, LabelledCounter, type TrainingSample } from './tileSampler';

const W = 900;
const H = 700;
const INPUT = 92;
const OUTPUT = 52;
let dir = '';
let tiff: LazyTiff;
const img: RasterImage = {
  width: W,
  height: H,
  channels: 1,
  bitDepth: 16,
  data: Uint16Array.from({ length: W * H }, (_, i) => (i * 7919 + ((i * i) % 4099)) % 65536),
};

/** Labels of a rectangle: a disc of class 1 on labelled background; weight 0 in one corner. */
function region(x: number, y: number, width: number, height: number): LabelledRegion {
  const targets = new Uint8Array(width * height);
  const weights = new Float32Array(width * height).fill(1);
  for (let r = 0; r < height; r++)
    for (let c = 0; c < width; c++) {
      if ((c - width / 2) ** 2 + (r - height / 2) ** 2 < (width / 3) ** 2) targets[r * width + c] = 1;
      if (r < 5 && c < 5) weights[r * width + c] = 0;
    }
  return { x, y, width, height, targets, weights };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'region-samples-'));
  await writeTiledTiff(join(dir, 'slide.tif'), img, 128);
  tiff = await LazyTiff.open(join(dir, 'slide.tif'));
});
afterAll(async () => {
  await tiff?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('regionTrainingSamples', () => {
  it('cuts the same training tiles as the whole labelled image, for windows over labels', async () => {
    const norm = DEFAULT_PERCENTILE_NORMALIZATION;
    const source = lazyTiffSource(tiff);
    // One region inside, one at the bottom-right corner (context clipped by the image edge).
    const regions = [region(300, 200, 60, 45), region(W - 40, H - 30, 40, 30)];
    const samples = await regionTrainingSamples(
      source,
      regions,
      await streamNormalization(source, 1, norm),
      1,
      INPUT,
    );
    const whole: TrainingSample = {
      name: 'whole',
      width: W,
      height: H,
      channels: 1,
      image: modelInput(img, 1, norm, 'whole'),
      targets: new Uint8Array(W * H),
      weights: new Float32Array(W * H),
    };
    for (const r of regions)
      for (let row = 0; row < r.height; row++) {
        whole.targets.set(r.targets.subarray(row * r.width, (row + 1) * r.width), (r.y + row) * W + r.x);
        whole.weights.set(r.weights.subarray(row * r.width, (row + 1) * r.width), (r.y + row) * W + r.x);
      }
    expect(samples.map((s) => [s.width, s.height])).toEqual([
      [60 + 2 * INPUT, 45 + 2 * INPUT],
      [40 + INPUT, 30 + INPUT],
    ]);
    const origins = [
      [300 - INPUT, 200 - INPUT],
      [W - 40 - INPUT, H - 30 - INPUT],
    ];
    const rng = createRng(3);
    for (const [k, sample] of samples.entries()) {
      const counter = new LabelledCounter(sample.width, sample.height, sample.weights);
      expect(counter.total).toBe(regions[k].weights.reduce((s, w) => s + (w > 0 ? 1 : 0), 0));
      for (let n = 0; n < 20; n++) {
        const { x, y } = chooseOutputWindow(counter, OUTPUT, rng);
        const [ox, oy] = origins[k];
        expect(cutTile(sample, x, y, INPUT, OUTPUT)).toEqual(cutTile(whole, x + ox, y + oy, INPUT, OUTPUT));
      }
    }
  });

  it('refuses regions outside the image or with arrays of the wrong length, naming the image', async () => {
    const source = lazyTiffSource(tiff);
    const prepare = await streamNormalization(source, 1, DEFAULT_PERCENTILE_NORMALIZATION);
    await expect(
      regionTrainingSamples(source, [region(880, 0, 40, 10)], prepare, 1, 10),
    ).rejects.toMatchObject({
      code: 'invalid_argument',
      message: expect.stringMatching(
        /slide\.tif: labelled region 0 \(40x10 at 880, 0\) is not inside the 900x700 image/,
      ),
    });
    const short = { ...region(0, 0, 10, 10), weights: new Float32Array(5) };
    await expect(regionTrainingSamples(source, [short], prepare, 1, 10)).rejects.toThrow(
      /5 weights, expected 100/,
    );
  });
});
