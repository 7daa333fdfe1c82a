import { describe, expect, it } from 'vitest';
import type { AnnotationPatch, Result } from '../../../shared/api';
import type { AnnotationStatus } from '../../../shared/schemas';
import { AnnotationDoc } from './AnnotationDoc';
import { Autosaver, type SaveState } from './Autosaver';

function fakeClock() {
  const timers: { fn: () => void; at: number; id: number }[] = [];
  let now = 0;
  let next = 1;
  return {
    setTimer: (fn: () => void, ms: number) => {
      timers.push({ fn, at: now + ms, id: next });
      return next++;
    },
    clearTimer: (h: unknown) => {
      const i = timers.findIndex((t) => t.id === h);
      if (i >= 0) timers.splice(i, 1);
    },
    advance(ms: number) {
      now += ms;
      for (const t of timers.filter((t) => t.at <= now)) {
        timers.splice(timers.indexOf(t), 1);
        t.fn();
      }
    },
  };
}

function paintRow(doc: AnnotationDoc, y: number, x0: number, x1: number, classId: number): void {
  doc.beginStroke();
  doc.paintSpans([{ y, x0, x1 }], { classId, instanceId: 0 });
  doc.commitStroke();
}

const flushPromises = () => new Promise((r) => setTimeout(r, 0));

describe('Autosaver', () => {
  it('debounces a batch of strokes into one patch holding exactly the changed rect', async () => {
    const doc = new AnnotationDoc(20, 10);
    const clock = fakeClock();
    const saved: AnnotationPatch[] = [];
    const states: SaveState[] = [];
    const saver = new Autosaver({
      imageId: 'img_000000000001',
      doc,
      delayMs: 400,
      ...clock,
      save: async (_id, patch): Promise<Result<AnnotationStatus>> => {
        saved.push(patch);
        return { ok: true, value: { labelledPixels: 0, objects: 0 } };
      },
      onState: (s) => states.push(s),
    });
    paintRow(doc, 2, 3, 5, 1);
    saver.changed();
    clock.advance(300);
    paintRow(doc, 6, 10, 12, 2);
    saver.changed();
    clock.advance(300);
    expect(saved).toHaveLength(0);
    clock.advance(100);
    await flushPromises();
    expect(saved).toHaveLength(1);
    const p = saved[0];
    expect([p.x, p.y, p.w, p.h]).toEqual([3, 2, 10, 5]);
    expect(p.classes[0]).toBe(1); // (3, 2)
    expect(p.classes[4 * 10 + 7]).toBe(2); // (10, 6)
    expect(p.classes.reduce((a, v) => a + (v > 0 ? 1 : 0), 0)).toBe(6);
    expect(states).toEqual(['pending', 'saving', 'saved']);
  });

  it('a failed write keeps the rect unsaved and reports the error; the retry sends it again', async () => {
    const doc = new AnnotationDoc(8, 8);
    const clock = fakeClock();
    let fail = true;
    const saved: AnnotationPatch[] = [];
    const states: SaveState[] = [];
    const saver = new Autosaver({
      imageId: 'img_000000000001',
      doc,
      ...clock,
      save: async (_id, patch): Promise<Result<AnnotationStatus>> => {
        if (fail) return { ok: false, error: { code: 'disk_full', message: 'no space' } };
        saved.push(patch);
        return { ok: true, value: { labelledPixels: 1, objects: 0 } };
      },
      onState: (s) => states.push(s),
    });
    paintRow(doc, 1, 1, 1, 1);
    await saver.flush();
    expect(saver.saveState).toBe('error');
    expect(doc.hasUnsaved).toBe(true);
    fail = false;
    paintRow(doc, 5, 6, 6, 1);
    await saver.flush();
    expect(saver.saveState).toBe('saved');
    expect(saved.map((p) => [p.x, p.y, p.w, p.h])).toEqual([[1, 1, 6, 5]]);
  });
});
