import type { Annotation } from '../../../shared/api';
import type { AnnotationDoc } from '../annotation/AnnotationDoc';

/**
 * Replaces every label of a document with imported ones as ONE undoable gesture: each run of
 * equal (class, object) pixels along a row is painted as one span, object ids are kept as the
 * import wrote them (they replace every old object), and the next free id moves past them.
 * Undo puts the labels from before the import back. Returns the number of spans painted.
 */
export function applyImportedLabels(
  doc: AnnotationDoc,
  labels: Pick<Annotation, 'width' | 'height' | 'classes' | 'instances' | 'nextInstanceId'>,
): number {
  if (labels.width !== doc.width || labels.height !== doc.height) {
    throw new Error(
      `imported labels are ${labels.width}x${labels.height}, the image ${doc.width}x${doc.height}`,
    );
  }
  let spans = 0;
  doc.beginStroke();
  try {
    for (let y = 0; y < labels.height; y++) {
      const row = y * labels.width;
      let x0 = 0;
      while (x0 < labels.width) {
        const classId = labels.classes[row + x0];
        const instanceId = labels.instances[row + x0];
        let x1 = x0;
        while (
          x1 + 1 < labels.width &&
          labels.classes[row + x1 + 1] === classId &&
          labels.instances[row + x1 + 1] === instanceId
        ) {
          x1++;
        }
        doc.paintSpans([{ y, x0, x1 }], { classId, instanceId });
        spans++;
        x0 = x1 + 1;
      }
    }
    doc.nextInstanceId = Math.max(doc.nextInstanceId, labels.nextInstanceId);
  } catch (error) {
    doc.abortStroke();
    throw error;
  }
  doc.commitStroke();
  return spans;
}
