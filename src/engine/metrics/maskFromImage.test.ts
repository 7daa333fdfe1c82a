import { describe, expect, it } from 'vitest';
import type { RasterImage } from '../image/rasterImage';
import { maskFromImage } from './index';

const gray8 = (values: number[], width: number): RasterImage => ({
  width,
  height: values.length / width,
  channels: 1,
  bitDepth: 8,
  data: Uint8Array.from(values),
});

describe('maskFromImage', () => {
  it('0/255 and 0/1 masks are binary, objects by 4-connectivity', () => {
    // two cells touching only at a corner stay two objects
    const m = maskFromImage(gray8([255, 0, 0, 0, 255, 255, 0, 0, 0], 3));
    expect(m.kind).toBe('binary');
    expect(Array.from(m.classes)).toEqual([1, 0, 0, 0, 1, 1, 0, 0, 0]);
    expect(Array.from(m.instances)).toEqual([1, 0, 0, 0, 2, 2, 0, 0, 0]);
    expect(maskFromImage(gray8([0, 1, 1, 0], 2)).kind).toBe('binary');
  });

  it('16-bit label images: each nonzero id is one object, even in pieces', () => {
    const img: RasterImage = {
      width: 4,
      height: 1,
      channels: 1,
      bitDepth: 16,
      data: Uint16Array.from([7, 0, 7, 300]),
    };
    const m = maskFromImage(img);
    expect(m.kind).toBe('instances');
    expect(Array.from(m.classes)).toEqual([1, 0, 1, 1]);
    expect(Array.from(m.instances)).toEqual([1, 0, 1, 2]);
  });

  it('8-bit images with more than two values are class maps', () => {
    const m = maskFromImage(gray8([0, 1, 2, 2, 0, 1], 3));
    expect(m.kind).toBe('classes');
    expect(Array.from(m.classes)).toEqual([0, 1, 2, 2, 0, 1]);
    // rows 0 1 2 / 2 0 1: no two same-class pixels touch, so four objects in raster order
    expect(Array.from(m.instances)).toEqual([0, 1, 2, 3, 0, 4]);
  });

  it('colour-coded masks: each colour one object; gray RGB uses one channel', () => {
    const rgb: RasterImage = {
      width: 3,
      height: 1,
      channels: 3,
      bitDepth: 8,
      data: Uint8Array.from([0, 0, 0, 255, 0, 0, 0, 0, 255]),
    };
    const m = maskFromImage(rgb);
    expect(m.kind).toBe('instances');
    expect(Array.from(m.instances)).toEqual([0, 1, 2]);
    const grayRgb: RasterImage = { ...rgb, data: Uint8Array.from([0, 0, 0, 255, 255, 255, 255, 255, 255]) };
    const g = maskFromImage(grayRgb);
    expect(g.kind).toBe('binary');
    expect(Array.from(g.instances)).toEqual([0, 1, 1]);
  });

  it('float probability maps are thresholded at 0.5', () => {
    const img: RasterImage = {
      width: 4,
      height: 1,
      channels: 1,
      bitDepth: 32,
      data: Float32Array.from([0.1, 0.6, 0.5, 0.9]),
    };
    const m = maskFromImage(img);
    expect(Array.from(m.classes)).toEqual([0, 1, 0, 1]);
    expect(Array.from(m.instances)).toEqual([0, 1, 0, 2]);
  });

  it('two values without a 0 are refused', () => {
    expect(() => maskFromImage(gray8([3, 9, 9, 3], 2))).toThrow(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
  });
});
