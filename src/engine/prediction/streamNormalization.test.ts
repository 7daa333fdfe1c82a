import { describe, expect, it } from 'vitest';
import type { RasterImage } from '../image/index';
import type { Normalization } from '../model/types';
import { mirrorPad } from './mirrorPad';
import { modelInput } from './modelInput';
import { rasterSource, readMirrored } from './regionSource';
import { streamNormalization } from './streamNormalization';

function image(width: number, height: number, channels: 1 | 3 | 4, bitDepth: 8 | 16): RasterImage {
  const max = bitDepth === 8 ? 256 : 65536;
  const data =
    bitDepth === 8 ? new Uint8Array(width * height * channels) : new Uint16Array(width * height * channels);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7919 + ((i * i) % 1013)) % max;
  return { width, height, channels, bitDepth, data };
}

const PERCENTILE = (perChannel: boolean): Normalization => ({
  kind: 'percentile',
  low: 1,
  high: 99.8,
  perChannel,
  epsilon: 1e-6,
});

describe('streamNormalization + readMirrored', () => {
  it('gives every tile exactly the values of the whole image normalised and mirror-padded', async () => {
    const cases: [RasterImage, number, Normalization][] = [
      [image(37, 23, 1, 8), 1, PERCENTILE(true)],
      [image(37, 23, 3, 8), 1, PERCENTILE(true)],
      [image(30, 41, 4, 16), 3, PERCENTILE(true)],
      [image(30, 41, 3, 16), 3, PERCENTILE(false)],
      [image(19, 26, 1, 16), 3, PERCENTILE(false)],
      [image(19, 26, 1, 8), 3, PERCENTILE(true)],
      [image(25, 25, 1, 8), 1, { kind: 'meanStd', scale: 255, mean: [0.3], std: [0.2] }],
    ];
    for (const [img, channels, norm] of cases) {
      const whole = modelInput(img, channels, norm, 'whole');
      const pad = 20; // more than the small images' sides: the reflection repeats
      const padded = mirrorPad(whole, img.width, img.height, channels, {
        left: pad,
        top: pad,
        right: pad,
        bottom: pad,
      });
      const source = rasterSource(img);
      const prepare = await streamNormalization(source, channels, norm);
      const size = 24;
      for (const [x, y] of [
        [-pad, -pad],
        [5, 3],
        [img.width - 10, img.height - 4],
        [-3, img.height - 20],
      ]) {
        const tile = prepare(await readMirrored(source, x, y, size));
        const expected = new Float32Array(size * size * channels);
        for (let r = 0; r < size; r++) {
          const from = ((y + pad + r) * padded.width + x + pad) * channels;
          expected.set(padded.data.subarray(from, from + size * channels), r * size * channels);
        }
        expect(tile).toEqual(expected);
      }
    }
  });

  it('refuses float images with percentile normalisation', async () => {
    const img: RasterImage = { width: 4, height: 4, channels: 1, bitDepth: 32, data: new Float32Array(16) };
    await expect(streamNormalization(rasterSource(img, 'f.tif'), 1, PERCENTILE(true))).rejects.toMatchObject({
      code: 'unsupported_format',
      message: expect.stringMatching(/^f\.tif: a float image/),
    });
  });
});
