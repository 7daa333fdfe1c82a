import { describe, expect, it } from 'vitest';
import type { ImageEntry } from '../../../shared/schemas';
import { autoDisplay, channelName, dataRange, histogram, initialDisplay } from './imageDisplay';

const entry = (patch: Partial<ImageEntry>): ImageEntry => ({
  id: 'img_000000000001',
  name: 'x.tif',
  file: 'x.tif',
  page: 0,
  pages: 1,
  width: 4,
  height: 1,
  channels: 1,
  bitDepth: 16,
  stats: { min: 0, max: 3399, low: 10, high: 3000 },
  annotation: { labelledPixels: 0, objects: 0 },
  addedAt: '2026-01-01T00:00:00Z',
  ...patch,
});

describe('image display settings', () => {
  it('auto contrast of one channel uses the data percentiles, not 0..65535', () => {
    expect(autoDisplay(entry({}))).toEqual({ lut: 'gray', min: 10, max: 3000, channels: [] });
    expect(dataRange(entry({}), 0)).toEqual({ min: 0, max: 3399, low: 10, high: 3000 });
  });

  it('a multichannel image is a composite with per-channel windows, file colours and names', () => {
    const e = entry({
      channels: 3,
      plane: { z: 0, t: 0 },
      channelNames: ['DAPI', '', 'mCherry'],
      channelColors: ['#0000ff', '', '#ff00ff'],
      channelStats: [0, 1, 2].map((c) => ({ min: c, max: 100 * (c + 1), low: c + 1, high: 90 * (c + 1) })),
    });
    const d = autoDisplay(e);
    expect(d.channels).toEqual([
      { color: '#0000ff', min: 1, max: 90, visible: true },
      { color: '#00ff00', min: 2, max: 180, visible: true },
      { color: '#ff00ff', min: 3, max: 270, visible: true },
    ]);
    expect([0, 1, 2].map((c) => channelName(e, c))).toEqual(['DAPI', 'Channel 2', 'mCherry']);
    // An RGB image is a composite of red, green, blue (never a LUT), one window for all three
    // (its colour balance as photographed), even when its channels' ranges differ.
    const rgb = entry({
      channels: 3,
      bitDepth: 8,
      stats: { min: 0, max: 255, low: 5, high: 250 },
      channelStats: [0, 1, 2].map((c) => ({ min: 0, max: 255, low: 20 * c, high: 200 })),
    });
    expect(autoDisplay(rgb).channels).toEqual(
      ['#ff0000', '#00ff00', '#0000ff'].map((color) => ({ color, min: 5, max: 250, visible: true })),
    );
  });

  it('keeps a saved display that fits, and ignores one of another channel count', () => {
    const saved = { lut: 'fire' as const, min: 5, max: 6, channels: [] };
    expect(initialDisplay(entry({ display: saved }))).toEqual(saved);
    expect(initialDisplay(entry({ channels: 2, display: saved })).channels).toHaveLength(2);
  });

  it('float images use quantised units over their [min, max]', () => {
    const e = entry({ bitDepth: 32, stats: { min: -1, max: 1, low: 0, high: 0.5 } });
    expect(dataRange(e, -1)).toEqual({ min: 0, max: 65535, low: 32768, high: 49151 });
  });

  it('histograms one channel over a range, clamping outliers to the end bins', () => {
    const raw = {
      width: 4,
      height: 1,
      channels: 2,
      bitDepth: 16 as const,
      data: Uint16Array.from([0, 9, 50, 9, 99, 9, 500, 9]),
    };
    expect([...histogram(raw, 0, 0, 100, 4)]).toEqual([1, 0, 1, 2]);
    expect([...histogram(raw, 1, 0, 100, 4)]).toEqual([4, 0, 0, 0]);
  });
});
