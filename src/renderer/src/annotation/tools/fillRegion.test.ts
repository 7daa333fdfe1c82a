import { describe, expect, it } from 'vitest';
import { AnnotationDoc } from '../AnnotationDoc';
import { FillTool } from './FillTool';
import { fillPreviewInfo, regionMask } from './fillPreview';
import { computeFillRegion, FILL_WINDOW, type FillRegion, PREVIEW_AREA_CAP } from './fillRegion';
import type { ToolContext } from './Tool';
import { testToolContext } from './testContext';

/** A small deterministic generator (tests must not depend on Math.random). */
function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

/** Brute force: breadth-first search over 4-neighbours with a plain queue (no spans). */
function bruteFill(
  w: number,
  h: number,
  sx: number,
  sy: number,
  same: (x: number, y: number) => boolean,
): Set<number> {
  const out = new Set<number>();
  if (!same(sx, sy)) return out;
  const queue: [number, number][] = [[sx, sy]];
  out.add(sy * w + sx);
  while (queue.length > 0) {
    const [x, y] = queue.shift() as [number, number];
    for (const [nx, ny] of [
      [x + 1, y],
      [x - 1, y],
      [x, y + 1],
      [x, y - 1],
    ]) {
      if (nx < 0 || ny < 0 || nx >= w || ny >= h || out.has(ny * w + nx) || !same(nx, ny)) continue;
      out.add(ny * w + nx);
      queue.push([nx, ny]);
    }
  }
  return out;
}

function regionPixels(region: FillRegion, w: number): Set<number> {
  const out = new Set<number>();
  for (const s of region.spans) for (let x = s.x0; x <= s.x1; x++) out.add(s.y * w + x);
  return out;
}

/** Intensity fill unless `over` says otherwise. */
function context(doc: AnnotationDoc, over: Partial<ToolContext>): ToolContext {
  return testToolContext(doc, { brushSize: 1, fillMode: 'intensity', ...over });
}

/** A blobby 16-bit picture: smooth bumps plus noise, so regions have holes and ragged edges. */
function picture(w: number, h: number, seed: number): Uint16Array {
  const rnd = lcg(seed);
  const bumps = Array.from({ length: 6 }, () => ({ x: rnd() * w, y: rnd() * h, r: 3 + rnd() * 8 }));
  return Uint16Array.from({ length: w * h }, (_, i) => {
    const x = i % w;
    const y = Math.floor(i / w);
    let v = 1000;
    for (const b of bumps) v += 2000 * Math.exp(-((x - b.x) ** 2 + (y - b.y) ** 2) / (2 * b.r * b.r));
    return Math.round(v + (rnd() - 0.5) * 300);
  });
}

describe('fill region (the preview) against a brute-force flood fill', () => {
  it('intensity mode: the same pixels as a BFS within tolerance, for many seeds and tolerances', () => {
    const w = 61;
    const h = 47;
    for (const seed of [1, 2, 3]) {
      const data = picture(w, h, seed);
      const doc = new AnnotationDoc(w, h);
      const rnd = lcg(seed + 100);
      for (let k = 0; k < 12; k++) {
        const tolerance = Math.round(rnd() * 1500);
        const sx = Math.floor(rnd() * w);
        const sy = Math.floor(rnd() * h);
        const region = computeFillRegion(
          {
            doc,
            fillMode: 'intensity',
            fillTolerance: tolerance,
            intensity: { valueAt: (x, y) => data[y * w + x] },
          },
          sx,
          sy,
        );
        if (!region) throw new Error('no region at a loaded seed');
        const v = data[sy * w + sx];
        const want = bruteFill(w, h, sx, sy, (x, y) => Math.abs(data[y * w + x] - v) <= tolerance);
        expect(regionPixels(region, w)).toEqual(want);
        expect(region.area).toBe(want.size);
        expect(region.fraction).toBeCloseTo(want.size / (w * h), 12);
      }
    }
  });

  it('label mode: the seed’s class-and-object component, as a BFS finds it', () => {
    const w = 40;
    const h = 30;
    const rnd = lcg(7);
    const classes = Uint8Array.from({ length: w * h }, () => (rnd() < 0.55 ? 1 : 2));
    const instances = Uint16Array.from(classes, (c) => (c === 2 && rnd() < 0.3 ? 1 : 0));
    const doc = new AnnotationDoc(w, h, { classes, instances, nextInstanceId: 2 });
    for (let k = 0; k < 20; k++) {
      const sx = Math.floor(rnd() * w);
      const sy = Math.floor(rnd() * h);
      const settings = { doc, fillMode: 'label' as const, fillTolerance: 0, intensity: null };
      const region = computeFillRegion(settings, sx, sy);
      // The preview reads labels tile by tile instead of copying the window: the same region.
      const preview = computeFillRegion(settings, sx, sy, { preview: true });
      expect(preview?.truncated).toBe(false);
      expect(preview?.spans).toEqual(region?.spans);
      const s = sy * w + sx;
      const want = bruteFill(
        w,
        h,
        sx,
        sy,
        (x, y) => classes[y * w + x] === classes[s] && instances[y * w + x] === instances[s],
      );
      expect(region && regionPixels(region, w)).toEqual(want);
    }
  });

  it('stops where pixels are not loaded yet, and is null at an unloaded seed', () => {
    const doc = new AnnotationDoc(8, 4);
    const valueAt = (x: number) => (x >= 5 ? Number.NaN : 10);
    const s = { doc, fillMode: 'intensity' as const, fillTolerance: 1000, intensity: { valueAt } };
    expect(computeFillRegion(s, 1, 1)?.area).toBe(20);
    expect(computeFillRegion(s, 6, 1)).toBeNull();
    expect(computeFillRegion(s, 8, 1)).toBeNull();
  });

  it('on a slide the preview is bounded by the fill window and says so', () => {
    const doc = new AnnotationDoc(20_000, 9_000);
    const region = computeFillRegion(
      { doc, fillMode: 'label', fillTolerance: 0, intensity: null },
      10_000,
      4_500,
    );
    expect(region?.area).toBe(FILL_WINDOW * FILL_WINDOW);
    expect(region?.bounds).toEqual({
      x: 10_000 - FILL_WINDOW / 2,
      y: 4_500 - FILL_WINDOW / 2,
      w: FILL_WINDOW,
      h: FILL_WINDOW,
    });
    const info = region && fillPreviewInfo(region, doc.width, doc.height);
    expect(info).toEqual({
      area: FILL_WINDOW ** 2,
      fraction: 1,
      needsShift: true,
      windowed: true,
      truncated: false,
      unchanged: false,
    });
    // The overlay bitmap of a 4096-wide region is drawn 4 px per cell: 1024 cells wide.
    const mask = region && regionMask(region);
    expect(mask && [mask.w, mask.h, mask.step]).toEqual([1024, 1024, 4]);
  });

  it('a preview stops counting past PREVIEW_AREA_CAP (still past the Shift threshold at 1000²); a click fills the whole region', () => {
    const doc = new AnnotationDoc(1000, 1000);
    const ctx = context(doc, { fillMode: 'label', classId: 1 });
    const tool = new FillTool(ctx);
    const preview = tool.regionAt(500, 500, { preview: true });
    expect(preview?.truncated).toBe(true);
    expect(preview?.area).toBeGreaterThan(PREVIEW_AREA_CAP);
    expect(preview?.area).toBeLessThan(PREVIEW_AREA_CAP + 1000);
    const info = preview && fillPreviewInfo(preview, doc.width, doc.height);
    expect(info && [info.truncated, info.needsShift, info.windowed]).toEqual([true, true, false]);
    tool.down({ x: 500.5, y: 500.5 }, { shift: true });
    expect(doc.labelAt(0, 0).classId).toBe(1);
    expect(doc.labelAt(999, 999).classId).toBe(1);
    expect(tool.regionAt(3, 3)?.area).toBe(1_000_000);
  });
});

describe('the Fill tool fills what it previewed', () => {
  it('a click paints exactly the previewed pixels, and a new tolerance gives a new preview', () => {
    const w = 50;
    const h = 40;
    const data = picture(w, h, 11);
    const doc = new AnnotationDoc(w, h);
    const ctx = context(doc, { fillTolerance: 400, intensity: { valueAt: (x, y) => data[y * w + x] } });
    const tool = new FillTool(ctx);
    const seed = { x: 20, y: 15 };
    const loose = tool.regionAt(seed.x, seed.y);
    ctx.fillTolerance = 100;
    const preview = tool.regionAt(seed.x, seed.y);
    expect(preview).not.toBe(loose);
    if (!preview || !loose) throw new Error('no preview');
    expect(preview.area).toBeLessThan(loose.area);
    expect(tool.regionAt(seed.x, seed.y)).toBe(preview);
    tool.down({ x: seed.x + 0.5, y: seed.y + 0.5 }, { shift: preview.fraction > 0.25 });
    const painted = new Set<number>();
    for (let i = 0; i < w * h; i++) if (doc.labelAt(i % w, Math.floor(i / w)).classId === 2) painted.add(i);
    expect(painted).toEqual(regionPixels(preview, w));
  });

  it('in label mode a seed anywhere in the previewed region reuses it; a label change recomputes', () => {
    const doc = new AnnotationDoc(10, 10);
    const ctx = context(doc, { fillMode: 'label' });
    const tool = new FillTool(ctx);
    const first = tool.regionAt(2, 2);
    expect(tool.regionAt(7, 8)).toBe(first);
    doc.beginStroke();
    doc.paintSpans([{ y: 5, x0: 0, x1: 9 }], { classId: 1, instanceId: 0 });
    doc.commitStroke();
    tool.invalidate();
    const after = tool.regionAt(2, 2);
    expect(after).not.toBe(first);
    expect(after?.area).toBe(50);
    expect(first?.area).toBe(100);
  });

  it('says when a click would change nothing (a background filled twice) and then adds no undo step', () => {
    const doc = new AnnotationDoc(12, 8);
    const data = (x: number, y: number) => ((x - 6) ** 2 + (y - 4) ** 2 <= 4 ? 200 : 20);
    const ctx = context(doc, { classId: 1, fillTolerance: 10, intensity: { valueAt: data } });
    const tool = new FillTool(ctx);
    const background = tool.regionAt(0, 0);
    if (!background) throw new Error('no region');
    expect(tool.wouldChange(background)).toBe(true);
    tool.down({ x: 0.5, y: 0.5 }, { shift: true });
    expect(doc.canUndo).toBe(true);
    doc.undo();
    doc.redo();
    const again = tool.regionAt(0, 0);
    expect(again && tool.wouldChange(again)).toBe(false);
    expect(again && fillPreviewInfo(again, 12, 8, true).unchanged).toBe(true);
    tool.down({ x: 0.5, y: 0.5 }, { shift: true });
    // The second click added nothing: one undo brings the image back to unlabelled.
    doc.undo();
    expect(doc.canUndo).toBe(false);
    expect(doc.labelAt(0, 0).classId).toBe(0);
    // An object class in instance mode always changes labels: each fill is a new object.
    ctx.classId = 2;
    tool.invalidate();
    const cell = tool.regionAt(6, 4);
    expect(cell && tool.wouldChange(cell)).toBe(true);
  });
});
