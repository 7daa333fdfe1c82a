import { describe, expect, it } from 'vitest';
import { AnnotationDoc } from './AnnotationDoc';
import type { Span } from './raster';
import { createTool } from './tools/createTool';
import type { ToolContext } from './tools/Tool';
import { testToolContext } from './tools/testContext';

function ctxFor(doc: AnnotationDoc): ToolContext {
  return testToolContext(doc, { brushSize: 3 });
}

const rowSpan = (y: number, x0: number, x1: number): Span => ({ y, x0, x1 });

describe('AnnotationDoc undo / redo / abort', () => {
  it('undo restores the exact previous labels, redo re-applies them, one step per gesture', () => {
    const doc = new AnnotationDoc(200, 150);
    const ctx = ctxFor(doc);
    const brush = createTool('brush', ctx);
    brush.down({ x: 10, y: 10 });
    brush.move({ x: 150, y: 120 }); // crosses many 64x64 tiles
    brush.up({ x: 190, y: 20 });
    const afterFirst = [doc.classes.slice(), doc.instances.slice()];
    ctx.classId = 1;
    brush.down({ x: 100, y: 5 });
    brush.up({ x: 100, y: 140 });
    expect(doc.labelAt(100, 70)).toEqual({ classId: 1, instanceId: 0 });
    expect(doc.undo()).not.toBeNull();
    expect(doc.classes).toEqual(afterFirst[0]);
    expect(doc.instances).toEqual(afterFirst[1]);
    expect(doc.undo()).not.toBeNull();
    expect(doc.classes.every((v) => v === 0)).toBe(true);
    expect(doc.instances.every((v) => v === 0)).toBe(true);
    expect(doc.nextInstanceId).toBe(1);
    expect(doc.undo()).toBeNull();
    doc.redo();
    expect(doc.classes).toEqual(afterFirst[0]);
    expect(doc.nextInstanceId).toBe(2);
  });

  it('abortStroke (Escape) rolls back mid-gesture and leaves no redo entry', () => {
    const doc = new AnnotationDoc(100, 100);
    doc.beginStroke();
    doc.paintSpans([rowSpan(5, 0, 99), rowSpan(70, 10, 90)], { classId: 1, instanceId: 0 });
    doc.commitStroke();
    const before = doc.classes.slice();
    const ctx = ctxFor(doc);
    const brush = createTool('brush', ctx);
    brush.down({ x: 5, y: 5 });
    brush.move({ x: 95, y: 95 });
    brush.cancel();
    expect(doc.classes).toEqual(before);
    expect(doc.instances.every((v) => v === 0)).toBe(true);
    expect(doc.nextInstanceId).toBe(1);
    expect(ctx.currentObjectId).toBe(0);
    expect(doc.canRedo).toBe(false);
    doc.undo();
    expect(doc.classes.every((v) => v === 0)).toBe(true);
  });

  it('a new edit clears redo; an edit that changes nothing records no step', () => {
    const doc = new AnnotationDoc(8, 8);
    const paint = (y: number, c: number) => {
      doc.beginStroke();
      doc.paintSpans([rowSpan(y, 0, 7)], { classId: c, instanceId: 0 });
      doc.commitStroke();
    };
    paint(1, 1);
    paint(2, 1);
    doc.undo();
    expect(doc.canRedo).toBe(true);
    paint(3, 1);
    expect(doc.canRedo).toBe(false);
    paint(3, 1); // same values again: no step
    doc.undo();
    expect(doc.labelAt(0, 3).classId).toBe(0);
    expect(doc.labelAt(0, 1).classId).toBe(1);
  });

  it('history is capped by bytes: the oldest steps are dropped', () => {
    // Each full-row stroke on a 100-wide doc: patch 100 px * (1 + 2 bytes) * 2 = 600 bytes.
    const doc = new AnnotationDoc(100, 10, { maxHistoryBytes: 1900 });
    for (let y = 0; y < 5; y++) {
      doc.beginStroke();
      doc.paintSpans([rowSpan(y, 0, 99)], { classId: 1, instanceId: 0 });
      doc.commitStroke();
    }
    let undone = 0;
    while (doc.undo()) undone++;
    expect(undone).toBe(3);
    expect([0, 1, 2, 3, 4].map((y) => doc.labelAt(50, y).classId)).toEqual([1, 1, 0, 0, 0]);
  });

  it('tracks unsaved rects across commits and undo; change events carry the painted rect', () => {
    const doc = new AnnotationDoc(50, 50);
    const seen: string[] = [];
    doc.onChange((r) => seen.push(`${r.x},${r.y},${r.w},${r.h}`));
    doc.beginStroke();
    doc.paintSpans([rowSpan(3, 4, 9), rowSpan(4, 2, 5)], { classId: 1, instanceId: 0 });
    doc.commitStroke();
    expect(seen).toEqual(['2,3,8,2']);
    expect(doc.takeUnsaved()).toEqual({ x: 2, y: 3, w: 8, h: 2 });
    expect(doc.takeUnsaved()).toBeNull();
    doc.beginStroke();
    doc.paintSpans([rowSpan(40, 40, 45)], { classId: 2, instanceId: 0 });
    doc.commitStroke();
    doc.undo();
    expect(doc.takeUnsaved()).toEqual({ x: 40, y: 40, w: 6, h: 1 });
  });

  it('loads existing labels and continues instance ids after the largest one', () => {
    const instances = new Uint16Array(16);
    instances[5] = 7;
    const doc = new AnnotationDoc(4, 4, { instances, nextInstanceId: 3 });
    expect(doc.nextInstanceId).toBe(8);
    expect(() => new AnnotationDoc(4, 5, { instances })).toThrow(/4x5/);
  });

  it('replaceAll loads saved labels, clears history and reports the whole image', () => {
    const doc = new AnnotationDoc(3, 2);
    doc.beginStroke();
    doc.paintSpans([rowSpan(0, 0, 2)], { classId: 1, instanceId: 0 });
    doc.commitStroke();
    const rects: string[] = [];
    doc.onChange((r) => rects.push(`${r.x},${r.y},${r.w},${r.h}`));
    doc.replaceAll(Uint8Array.of(0, 2, 2, 0, 0, 1), Uint16Array.of(0, 4, 4, 0, 0, 0), 2);
    expect([...doc.classes]).toEqual([0, 2, 2, 0, 0, 1]);
    expect(doc.nextInstanceId).toBe(5);
    expect(doc.canUndo).toBe(false);
    expect(doc.hasUnsaved).toBe(false);
    expect(rects).toEqual(['0,0,3,2']);
    expect(() => doc.replaceAll(new Uint8Array(5), new Uint16Array(6), 1)).toThrow(/3x2/);
  });
});

describe('AnnotationDoc on a slide (sparse tiles)', () => {
  it('a 100000x100000 document holds only the tiles painted; undo removes them again', () => {
    const doc = new AnnotationDoc(100_000, 100_000);
    doc.beginStroke();
    doc.paintSpans([rowSpan(99_000, 60_000, 60_600)], { classId: 2, instanceId: doc.allocateInstanceId() });
    doc.commitStroke();
    // 60000..60600 crosses tile columns 117 and 118 of tile row 193.
    expect(doc.labels.keys().sort()).toEqual([
      [117, 193],
      [118, 193],
    ]);
    expect(doc.labelAt(60_300, 99_000)).toEqual({ classId: 2, instanceId: 1 });
    expect(doc.labelAt(60_300, 99_001)).toEqual({ classId: 0, instanceId: 0 });
    expect(doc.takeUnsaved()).toEqual({ x: 60_000, y: 99_000, w: 601, h: 1 });
    doc.undo();
    expect(doc.labelAt(60_300, 99_000)).toEqual({ classId: 0, instanceId: 0 });
    expect(() => doc.classes).toThrow(/by rect/);
  });

  it('strokes far apart are saved as separate patches, nearby ones as one', () => {
    const doc = new AnnotationDoc(50_000, 50_000);
    for (const [x, y] of [
      [100, 100],
      [120, 130],
      [40_000, 40_000],
    ]) {
      doc.beginStroke();
      doc.paintSpans([rowSpan(y, x, x + 9)], { classId: 1, instanceId: 0 });
      doc.commitStroke();
    }
    expect(doc.takeUnsaved()).toEqual({ x: 100, y: 100, w: 30, h: 31 });
    expect(doc.takeUnsaved()).toEqual({ x: 40_000, y: 40_000, w: 10, h: 1 });
    expect(doc.takeUnsaved()).toBeNull();
  });

  it('loadTiles puts saved tiles in place and continues object ids', () => {
    const doc = new AnnotationDoc(1200, 700);
    const classes = new Uint8Array(512 * 512);
    const instances = new Uint16Array(512 * 512);
    classes[3 * 512 + 4] = 2;
    instances[3 * 512 + 4] = 9;
    doc.loadTiles([{ tx: 2, ty: 1, classes, instances }], 1);
    expect(doc.labelAt(1024 + 4, 512 + 3)).toEqual({ classId: 2, instanceId: 9 });
    expect(doc.nextInstanceId).toBe(10);
    expect(doc.isBlank).toBe(false);
    expect(() => doc.loadTiles([{ tx: 3, ty: 0, classes, instances }], 1)).toThrow(/outside/);
  });
});
