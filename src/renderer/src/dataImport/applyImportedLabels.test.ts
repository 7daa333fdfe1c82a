import { describe, expect, it } from 'vitest';
import { AnnotationDoc } from '../annotation/AnnotationDoc';
import { applyImportedLabels } from './applyImportedLabels';

describe('applyImportedLabels', () => {
  it('replaces every label in one undo step, and undo restores the hand annotation', () => {
    const doc = new AnnotationDoc(3, 2, {
      classes: Uint8Array.from([0, 2, 0, 1, 1, 0]),
      instances: Uint16Array.from([0, 5, 0, 0, 0, 0]),
    });
    const imported = {
      width: 3,
      height: 2,
      classes: Uint8Array.from([1, 2, 2, 1, 1, 2]),
      instances: Uint16Array.from([0, 1, 1, 0, 0, 2]),
      nextInstanceId: 3,
    };
    // Runs along rows: [1][2 2] and [1 1][2].
    expect(applyImportedLabels(doc, imported)).toBe(4);
    expect([...doc.classes]).toEqual([1, 2, 2, 1, 1, 2]);
    expect([...doc.instances]).toEqual([0, 1, 1, 0, 0, 2]);
    expect(doc.nextInstanceId).toBe(6); // past the old object 5 as well
    expect(doc.undo()).toEqual({ x: 0, y: 0, w: 3, h: 2 });
    expect([...doc.classes]).toEqual([0, 2, 0, 1, 1, 0]);
    expect([...doc.instances]).toEqual([0, 5, 0, 0, 0, 0]);
    expect(doc.canUndo).toBe(false);
    expect(doc.redo()).not.toBeNull();
    expect([...doc.instances]).toEqual([0, 1, 1, 0, 0, 2]);
  });

  it('refuses labels of another size and leaves no open gesture', () => {
    const doc = new AnnotationDoc(2, 2);
    expect(() =>
      applyImportedLabels(doc, {
        width: 3,
        height: 1,
        classes: new Uint8Array(3),
        instances: new Uint16Array(3),
        nextInstanceId: 1,
      }),
    ).toThrow(/3x1, the image 2x2/);
    expect(doc.isStroking).toBe(false);
  });
});
