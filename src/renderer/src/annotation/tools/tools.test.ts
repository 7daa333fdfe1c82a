import { describe, expect, it } from 'vitest';
import { AnnotationDoc, type LabelValue } from '../AnnotationDoc';
import type { Point } from '../raster';
import { createTool } from './createTool';
import { FILL_WINDOW } from './FillTool';
import type { ToolContext, ToolName } from './Tool';
import { testToolContext } from './testContext';

const context = testToolContext;

/** Distance from pixel centre to segment, computed the plain way (independent of capsuleSpans). */
function distToSegment(px: number, py: number, a: Point, b: Point): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  let t = len2 === 0 ? 0 : ((px - a.x) * dx + (py - a.y) * dy) / len2;
  t = Math.max(0, Math.min(1, t));
  return Math.hypot(px - (a.x + t * dx), py - (a.y + t * dy));
}

function expectedStroke(w: number, h: number, pts: Point[], size: number): Set<number> {
  const out = new Set<number>();
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let k = 0; k < pts.length; k++) {
        const b = pts[Math.min(k + 1, pts.length - 1)];
        if (distToSegment(x + 0.5, y + 0.5, pts[k], b) <= size / 2) out.add(y * w + x);
      }
    }
  }
  return out;
}

function stroke(ctx: ToolContext, name: ToolName, pts: Point[], alt = false): void {
  const tool = createTool(name, ctx);
  tool.down(pts[0], { alt });
  for (const p of pts.slice(1, -1)) tool.move(p);
  tool.up(pts[pts.length - 1]);
}

function pixelsWith(doc: AnnotationDoc, v: LabelValue): Set<number> {
  const out = new Set<number>();
  for (let i = 0; i < doc.classes.length; i++) {
    if (doc.classes[i] === v.classId && doc.instances[i] === v.instanceId) out.add(i);
  }
  return out;
}

describe('brush and eraser', () => {
  it('a single dab of size 3 at a pixel centre paints the 3x3 block minus nothing: the plus and corners within 1.5', () => {
    const doc = new AnnotationDoc(7, 7);
    stroke(context(doc, { brushSize: 3 }), 'brush', [{ x: 3.5, y: 3.5 }]);
    // Hand-computed: centres at distance 0, 1 and sqrt(2) = 1.414 <= 1.5 -> the full 3x3 block.
    const want = new Set<number>();
    for (let y = 2; y <= 4; y++) for (let x = 2; x <= 4; x++) want.add(y * 7 + x);
    expect(pixelsWith(doc, { classId: 2, instanceId: 1 })).toEqual(want);
  });

  it('a dab of size 5 is a disk of 21 pixels (5x5 block without the 4 corners)', () => {
    const doc = new AnnotationDoc(9, 9);
    stroke(context(doc, { brushSize: 5 }), 'brush', [{ x: 4.5, y: 4.5 }]);
    const got = pixelsWith(doc, { classId: 2, instanceId: 1 });
    expect(got.size).toBe(21);
    for (const [x, y] of [
      [2, 2],
      [6, 2],
      [2, 6],
      [6, 6],
    ])
      expect(got.has(y * 9 + x)).toBe(false);
    expect(got.has(4 * 9 + 2)).toBe(true);
  });

  it('a fast multi-segment stroke covers exactly the swept capsules (no gaps between samples)', () => {
    const doc = new AnnotationDoc(40, 30);
    const pts = [
      { x: 3.2, y: 4.7 },
      { x: 31.9, y: 12.3 },
      { x: 8.4, y: 26.1 },
      { x: 8.4, y: 26.1 },
    ];
    stroke(context(doc, { brushSize: 6.3 }), 'brush', pts);
    expect(pixelsWith(doc, { classId: 2, instanceId: 1 })).toEqual(expectedStroke(40, 30, pts, 6.3));
  });

  it('strokes near the border are clipped and each object stroke gets a new instance id', () => {
    const doc = new AnnotationDoc(10, 10);
    const ctx = context(doc, { brushSize: 4 });
    stroke(ctx, 'brush', [
      { x: 0, y: 0 },
      { x: 0, y: 9.9 },
    ]);
    stroke(ctx, 'brush', [{ x: 9.9, y: 0 }]);
    expect(pixelsWith(doc, { classId: 2, instanceId: 1 })).toEqual(
      expectedStroke(
        10,
        10,
        [
          { x: 0, y: 0 },
          { x: 0, y: 9.9 },
        ],
        4,
      ),
    );
    expect(pixelsWith(doc, { classId: 2, instanceId: 2 })).toEqual(
      expectedStroke(10, 10, [{ x: 9.9, y: 0 }], 4),
    );
    expect(doc.nextInstanceId).toBe(3);
  });

  it('Alt continues the current object; background strokes carry instance 0', () => {
    const doc = new AnnotationDoc(10, 10);
    const ctx = context(doc, { brushSize: 1 });
    stroke(ctx, 'brush', [{ x: 1.5, y: 1.5 }]);
    stroke(ctx, 'brush', [{ x: 5.5, y: 5.5 }], true);
    ctx.classId = 1;
    stroke(ctx, 'brush', [{ x: 8.5, y: 8.5 }]);
    expect(doc.labelAt(1, 1)).toEqual({ classId: 2, instanceId: 1 });
    expect(doc.labelAt(5, 5)).toEqual({ classId: 2, instanceId: 1 });
    expect(doc.labelAt(8, 8)).toEqual({ classId: 1, instanceId: 0 });
    expect(doc.nextInstanceId).toBe(2);
  });

  it('the eraser sets class and instance to 0 where it passes', () => {
    const doc = new AnnotationDoc(12, 12);
    const ctx = context(doc, { brushSize: 30 });
    stroke(ctx, 'brush', [{ x: 6, y: 6 }]);
    ctx.brushSize = 3;
    const pts = [
      { x: 0.5, y: 5.5 },
      { x: 11.5, y: 5.5 },
    ];
    stroke(ctx, 'eraser', pts);
    const erased = expectedStroke(12, 12, pts, 3);
    expect(erased.size).toBe(36);
    for (let i = 0; i < 144; i++) {
      expect(doc.classes[i]).toBe(erased.has(i) ? 0 : 2);
      expect(doc.instances[i]).toBe(erased.has(i) ? 0 : 1);
    }
  });
});

describe('polygon, fill, pick', () => {
  it('a lasso drag fills the triangle whose pixel centres are inside (hand-counted)', () => {
    const doc = new AnnotationDoc(8, 8);
    // Right triangle (0,0) (6,0) (0,6): centre (x+.5, y+.5) inside iff x + y + 1 < 6 -> x + y <= 4.
    stroke(context(doc, { classId: 1 }), 'polygon', [
      { x: 0, y: 0 },
      { x: 6, y: 0 },
      { x: 0, y: 6 },
    ]);
    const got = pixelsWith(doc, { classId: 1, instanceId: 0 });
    const want = new Set<number>();
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) if (x + y <= 4) want.add(y * 8 + x);
    expect(got).toEqual(want);
    expect(got.size).toBe(15);
  });

  it('click-placed polygon closes by clicking the first vertex; Escape drops an open one', () => {
    const doc = new AnnotationDoc(20, 12);
    const tool = createTool('polygon', context(doc));
    for (const p of [
      { x: 2, y: 2 },
      { x: 17, y: 2 },
      { x: 17, y: 8 },
      { x: 2, y: 8 },
      { x: 2.5, y: 2.5 },
    ]) {
      tool.down(p);
      tool.up(p);
    }
    // The rectangle 2..17 x 2..8: centres x+.5 in [2,17), y+.5 in [2,8) -> x 2..16, y 2..7 = 90 px.
    expect(pixelsWith(doc, { classId: 2, instanceId: 1 }).size).toBe(90);
    expect(doc.labelAt(16, 7)).toEqual({ classId: 2, instanceId: 1 });
    expect(doc.labelAt(17, 7).classId).toBe(0);
    expect(doc.labelAt(2, 8).classId).toBe(0);
    tool.down({ x: 0, y: 0 });
    tool.up({ x: 0, y: 0 });
    tool.down({ x: 9, y: 0 });
    tool.cancel();
    expect(tool.preview().polyline).toBeNull();
    expect(pixelsWith(doc, { classId: 0, instanceId: 0 }).size).toBe(240 - 90);
  });

  it('label flood fill fills a closed ring interior only, 4-connected', () => {
    const doc = new AnnotationDoc(7, 7);
    const ctx = context(doc, { classId: 1, brushSize: 1 });
    // A 5x5 square outline of background from (1,1) to (5,5).
    stroke(ctx, 'brush', [
      { x: 1.5, y: 1.5 },
      { x: 5.5, y: 1.5 },
      { x: 5.5, y: 5.5 },
      { x: 1.5, y: 5.5 },
      { x: 1.5, y: 1.5 },
    ]);
    ctx.classId = 2;
    const fill = createTool('fill', ctx);
    fill.down({ x: 3.2, y: 3.7 });
    const inner = pixelsWith(doc, { classId: 2, instanceId: 1 });
    const want = new Set<number>();
    for (let y = 2; y <= 4; y++) for (let x = 2; x <= 4; x++) want.add(y * 7 + x);
    expect(inner).toEqual(want);
    expect(pixelsWith(doc, { classId: 0, instanceId: 0 }).size).toBe(49 - 16 - 9);
  });

  it('intensity flood fill takes the connected pixels within tolerance of the seed', () => {
    const doc = new AnnotationDoc(5, 3);
    // biome-ignore format: a 5x3 picture
    const data = [
      10, 12, 50, 11, 10,
      13, 40, 9, 11, 10,
      10, 11, 60, 10, 10,
    ];
    const ctx = context(doc, {
      classId: 1,
      fillMode: 'intensity',
      fillTolerance: 3,
      intensity: { valueAt: (x, y) => data[y * 5 + x] },
    });
    // 5 of 15 pixels is more than the quarter a plain click may fill: Shift-click.
    createTool('fill', ctx).down({ x: 0.5, y: 0.5 }, { shift: true });
    // Connected to (0,0) within 10 +- 3: (1,0) (0,1) (0,2) (1,2); (2,1)=9 is cut off by 50/40/60.
    expect([...pixelsWith(doc, { classId: 1, instanceId: 0 })].sort((a, b) => a - b)).toEqual([
      0, 1, 5, 10, 11,
    ]);
  });

  it('refuses a fill over more than a quarter of the image unless Shift is held', () => {
    const doc = new AnnotationDoc(8, 8);
    const refused: number[] = [];
    const ctx = context(doc, { onFillRefused: (f) => refused.push(f) });
    // An unlabelled image is one label region: the first click would cover 100%.
    createTool('fill', ctx).down({ x: 2.5, y: 2.5 });
    expect(refused).toEqual([1]);
    expect(pixelsWith(doc, { classId: 0, instanceId: 0 }).size).toBe(64);
    expect(doc.undo()).toBeNull();
    // A 4x4 region (25% exactly) is filled; Shift fills the rest anyway.
    const box = context(doc, { classId: 1, brushSize: 1 });
    for (let y = 0; y < 8; y++) stroke(box, 'brush', [{ x: 4.5, y: y + 0.5 }]);
    for (let x = 0; x < 4; x++) stroke(box, 'brush', [{ x: x + 0.5, y: 4.5 }]);
    createTool('fill', ctx).down({ x: 1.5, y: 1.5 });
    expect(pixelsWith(doc, { classId: 2, instanceId: 1 }).size).toBe(16);
    createTool('fill', ctx).down({ x: 6.5, y: 6.5 });
    expect(refused).toEqual([1, 24 / 64]);
    createTool('fill', ctx).down({ x: 6.5, y: 6.5 }, { shift: true });
    expect(pixelsWith(doc, { classId: 2, instanceId: 2 }).size).toBe(24);
  });

  it('pick reports the label and makes its object current', () => {
    const doc = new AnnotationDoc(4, 4);
    const picked: LabelValue[] = [];
    const ctx = context(doc, { brushSize: 1, onPick: (v) => picked.push(v) });
    stroke(ctx, 'brush', [{ x: 0.5, y: 0.5 }]);
    stroke(ctx, 'brush', [{ x: 2.5, y: 2.5 }]);
    createTool('pick', ctx).down({ x: 0.7, y: 0.2 });
    createTool('pick', ctx).down({ x: 3.5, y: 0.5 });
    expect(picked).toEqual([{ classId: 2, instanceId: 1 }]);
    expect(ctx.currentObjectId).toBe(1);
  });
});

describe('fill on a slide', () => {
  it('stays inside a FILL_WINDOW square around the seed', () => {
    const doc = new AnnotationDoc(30_000, 20_000);
    // Shift: the whole (unlabelled) window is more than MAX_FILL_FRACTION of it.
    createTool('fill', context(doc, { classId: 1 })).down({ x: 15_000.5, y: 10_000.5 }, { shift: true });
    const half = FILL_WINDOW / 2;
    expect(doc.labelAt(15_000 - half, 10_000 - half).classId).toBe(1);
    expect(doc.labelAt(15_000 + half - 1, 10_000 + half - 1).classId).toBe(1);
    expect(doc.labelAt(15_000 - half - 1, 10_000).classId).toBe(0);
    expect(doc.labelAt(15_000 + half, 10_000).classId).toBe(0);
  });
});
