import { describe, expect, it } from 'vitest';
import { AnnotationDoc } from '../annotation/AnnotationDoc';
import { applyAcceptedPatch } from './applyAcceptedPatch';

describe('applyAcceptedPatch', () => {
  it('paints non-zero patch pixels with fresh instance ids as one undo step, leaving class-0 pixels alone', () => {
    // 4x3 document with an existing object (id 1) at (0, 0).
    const doc = new AnnotationDoc(4, 3, {
      classes: Uint8Array.from([2, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0]),
      instances: Uint16Array.from([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    });
    // Patch at (1, 0), 3x2: server ids 7 and 9 (they may clash with the doc's), zeros = keep.
    const patch = {
      x: 1,
      y: 0,
      w: 3,
      h: 2,
      classes: Uint8Array.from([2, 2, 0, 0, 1, 2]),
      instances: Uint16Array.from([7, 7, 0, 0, 0, 9]),
    };
    expect(applyAcceptedPatch(doc, patch)).toBe(4);
    expect([...doc.classes]).toEqual([2, 2, 2, 0, 1, 1, 1, 2, 0, 0, 0, 0]);
    expect([...doc.instances]).toEqual([1, 2, 2, 0, 0, 0, 0, 3, 0, 0, 0, 0]);
    expect(doc.nextInstanceId).toBe(4);
    expect(doc.undo()).not.toBeNull();
    expect([...doc.classes]).toEqual([2, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0]);
    expect([...doc.instances]).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(doc.canUndo).toBe(false);
  });
});
