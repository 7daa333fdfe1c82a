import { describe, expect, it } from 'vitest';
import { buildLut, packRgba, percentileWindow, type RawImage, renderImage } from './imageRender';
import { classPalette, outlinePalette, renderLabels } from './labelOverlay';
import { fitView, toImage, zoomAt } from './viewport';

describe('image display', () => {
  it('the gray window maps min -> black, max -> white, linear between, clamped outside', () => {
    const lut = buildLut(16, 1000, 3000, 'gray');
    expect(lut[0]).toBe(packRgba(0, 0, 0));
    expect(lut[1000]).toBe(packRgba(0, 0, 0));
    expect(lut[2000]).toBe(packRgba(128, 128, 128)); // 0.5 * 255 = 127.5 -> 128
    expect(lut[3000]).toBe(packRgba(255, 255, 255));
    expect(lut[65535]).toBe(packRgba(255, 255, 255));
    expect(buildLut(8, 0, 255, 'inverted')[0]).toBe(packRgba(255, 255, 255));
    expect(buildLut(8, 0, 255, 'fire')[255]).toBe(packRgba(255, 255, 255));
  });

  it('percentiles of 1..1000 at 0.5 / 99.5 are 5 and 995 (hand count)', () => {
    const data = new Uint16Array(1000);
    for (let i = 0; i < 1000; i++) data[(i * 7919) % 1000] = i + 1; // shuffled
    const image: RawImage = { width: 1000, height: 1, channels: 1, bitDepth: 16, data };
    expect(percentileWindow(image)).toEqual({ min: 5, max: 995 });
  });

  it('renders 1-channel pixels through the LUT and RGB pixels per channel', () => {
    const out = new Uint32Array(2);
    renderImage(
      { width: 2, height: 1, channels: 1, bitDepth: 8, data: Uint8Array.of(0, 255) },
      buildLut(8, 0, 255, 'gray'),
      out,
    );
    expect([...out]).toEqual([packRgba(0, 0, 0), packRgba(255, 255, 255)]);
    const rgb = Uint8Array.of(10, 20, 30, 255, 0, 128);
    renderImage(
      { width: 2, height: 1, channels: 3, bitDepth: 8, data: rgb },
      buildLut(8, 0, 255, 'gray'),
      out,
    );
    expect([...out]).toEqual([packRgba(10, 20, 30), packRgba(255, 0, 128)]);
  });
});

describe('label overlay', () => {
  it('unlabelled is transparent, classes get their colour, object borders the outline colour', () => {
    // 5x4: background row 0; object 1 at x 0..1, object 2 at x 2..4 on rows 1..3.
    const w = 5;
    const h = 4;
    const classes = Uint8Array.from([1, 1, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2]);
    const instances = Uint16Array.from([0, 0, 0, 0, 0, 1, 1, 2, 2, 2, 1, 1, 2, 2, 2, 1, 1, 2, 2, 2]);
    const palette = classPalette([
      { id: 1, color: '#0000ff' },
      { id: 2, color: '#ff8000' },
    ]);
    const out = new Uint32Array(w * h);
    const outlines = outlinePalette();
    const colors = { palette, outlines, fillAlpha: 128 };
    const rect = renderLabels(classes, instances, w, h, { x: 0, y: 0, w, h }, colors, out);
    expect(rect).toEqual({ x: 0, y: 0, w, h });
    const B = packRgba(0, 0, 255, 128);
    const C = packRgba(255, 128, 0, 128);
    const O = outlines[1];
    const P = outlines[2];
    // Outline: object pixels with a 4-neighbour of another id (row 1 touches row 0's id 0;
    // columns 1 and 2 touch each other); the image edge does not count, so (0,2), (0,3),
    // (3,2), (3,3), (4,2), (4,3) keep the class colour at the fill alpha.
    // biome-ignore format: a 5x4 picture
    expect([...out]).toEqual([
      B, B, 0, 0, 0,
      O, O, P, P, P,
      C, O, P, C, C,
      C, O, P, C, C,
    ]);
    // Outlines are opaque and differ between touching objects.
    expect(O >>> 24).toBe(255);
    expect(O).not.toBe(P);
  });
});

describe('viewport', () => {
  it('zooming keeps the image point under the cursor fixed', () => {
    const vp = { scale: 1.5, x: 20, y: -40 };
    const before = toImage(vp, 300, 200);
    const after = toImage(zoomAt(vp, 2.7, 300, 200), 300, 200);
    expect(after.x).toBeCloseTo(before.x, 9);
    expect(after.y).toBeCloseTo(before.y, 9);
  });

  it('fit centres the whole image with the margin', () => {
    expect(fitView(512, 256, 1000, 600, 10)).toEqual({
      scale: 980 / 512,
      x: 10,
      y: Math.round((600 - 256 * (980 / 512)) / 2),
    });
  });
});
