import type { AnnotationDoc } from '../AnnotationDoc';
import type { ToolContext } from './Tool';

/**
 * A tool context for unit tests: class 2 in instance mode, a 5 px brush, label-region fill,
 * no intensities; `over` replaces any of it.
 */
export function testToolContext(doc: AnnotationDoc, over: Partial<ToolContext> = {}): ToolContext {
  return {
    doc,
    classId: 2,
    isObjectClass: (c) => c >= 2,
    instanceMode: true,
    continueObject: false,
    currentObjectId: 0,
    brushSize: 5,
    fillMode: 'label',
    fillTolerance: 0,
    intensity: null,
    onPick: () => {},
    ...over,
  };
}
