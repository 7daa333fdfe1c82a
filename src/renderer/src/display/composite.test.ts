import { describe, expect, it } from 'vitest';
import { compositeTile, parseColor } from './composite';

/** [r, g, b, a] of a packed little-endian word. */
const rgba = (w: number) => [w & 255, (w >>> 8) & 255, (w >>> 16) & 255, w >>> 24];

describe('compositeTile', () => {
  it('windows each channel and adds its colour, clamping at white', () => {
    // 2 pixels x 3 channels, 16-bit: channel 0 in 100..300, channel 1 in 0..3399, channel 2 hidden.
    const samples = Uint16Array.from([200, 3399, 65535, 300, 0, 0]);
    const out = new Uint32Array(2);
    compositeTile(
      samples,
      2,
      1,
      3,
      [
        { color: '#ff0000', min: 100, max: 300, visible: true },
        { color: '#ff8000', min: 0, max: 3399, visible: true },
        { color: '#0000ff', min: 0, max: 1, visible: false },
      ],
      out,
    );
    // Pixel 0: red 0.5 * 255 + 255 -> clamped 255; green 0 + 128; blue hidden.
    expect(rgba(out[0])).toEqual([255, 128, 0, 255]);
    // Pixel 1: red at its max, channel 1 at its min.
    expect(rgba(out[1])).toEqual([255, 0, 0, 255]);
  });

  it('matches a per-pixel computation on random data (float samples too)', () => {
    const width = 7;
    const height = 5;
    const channels = 2;
    const samples = Float32Array.from(
      { length: width * height * channels },
      (_, i) => ((i * 7919) % 101) / 10,
    );
    const views = [
      { color: '#00ff00', min: 2, max: 8, visible: true },
      { color: '#ff00ff', min: 0, max: 10, visible: true },
    ];
    const out = new Uint32Array(width * height);
    compositeTile(samples, width, height, channels, views, out);
    for (let i = 0; i < width * height; i++) {
      const a = Math.min(1, Math.max(0, (samples[i * 2] - 2) / 6));
      const m = Math.min(1, Math.max(0, samples[i * 2 + 1] / 10));
      const expected = [
        Math.min(255, Math.round(m * 255)),
        Math.min(255, Math.round(a * 255)),
        Math.min(255, Math.round(m * 255)),
        255,
      ];
      expect(rgba(out[i])).toEqual(expected);
    }
  });

  it('parses colours and refuses short buffers', () => {
    expect(parseColor('#1e90FF')).toEqual([30, 144, 255]);
    expect(() => compositeTile(new Uint8Array(3), 2, 1, 2, [], new Uint32Array(2))).toThrow(
      /3 samples for 2x1x2/,
    );
  });
});
