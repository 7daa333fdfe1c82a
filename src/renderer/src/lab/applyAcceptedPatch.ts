import type { AcceptedPrediction } from '../../../shared/apiModels';
import type { AnnotationDoc } from '../annotation/AnnotationDoc';
import type { Span } from '../annotation/raster';

/**
 * Paints an accepted prediction into a label document as ONE undoable gesture: pixels with
 * class 0 in the patch are left alone; each instance id of the patch gets a fresh id of the
 * document (so ids never collide with objects drawn since the server read the annotation).
 * Returns the number of pixels painted.
 */
export function applyAcceptedPatch(
  doc: AnnotationDoc,
  patch: Pick<AcceptedPrediction, 'x' | 'y' | 'w' | 'h' | 'classes' | 'instances'>,
): number {
  const ids = new Map<number, number>();
  const docId = (id: number): number => {
    if (id === 0) return 0;
    let mapped = ids.get(id);
    if (mapped === undefined) {
      mapped = doc.allocateInstanceId();
      ids.set(id, mapped);
    }
    return mapped;
  };
  let painted = 0;
  doc.beginStroke();
  try {
    for (let row = 0; row < patch.h; row++) {
      let col = 0;
      while (col < patch.w) {
        const k = row * patch.w + col;
        const classId = patch.classes[k];
        if (classId === 0) {
          col++;
          continue;
        }
        const instance = patch.instances[k];
        let end = col;
        while (
          end + 1 < patch.w &&
          patch.classes[k + end + 1 - col] === classId &&
          patch.instances[k + end + 1 - col] === instance
        ) {
          end++;
        }
        const span: Span = { y: patch.y + row, x0: patch.x + col, x1: patch.x + end };
        doc.paintSpans([span], { classId, instanceId: docId(instance) });
        painted += end - col + 1;
        col = end + 1;
      }
    }
  } catch (error) {
    doc.abortStroke();
    throw error;
  }
  doc.commitStroke();
  return painted;
}
