import type { LabelValue } from '../AnnotationDoc';
import { capsuleSpans, type Point } from '../raster';
import type { Modifiers, Tool, ToolContext, ToolPreview } from './Tool';
import { labelForGesture } from './Tool';

type BrushState =
  | { kind: 'idle' }
  | { kind: 'painting'; last: Point; value: LabelValue; objectBefore: number };

/**
 * Brush (paints the active class) and eraser (sets class and instance to 0): a round stamp of
 * diameter ctx.brushSize px, interpolated between pointer samples as the swept capsule, so fast
 * strokes leave no gaps. One gesture = one undo step.
 */
export class BrushTool implements Tool {
  private state: BrushState = { kind: 'idle' };

  constructor(
    readonly name: 'brush' | 'eraser',
    private readonly ctx: ToolContext,
  ) {}

  down(p: Point, mods?: Modifiers): void {
    switch (this.state.kind) {
      case 'idle': {
        const { doc } = this.ctx;
        const objectBefore = this.ctx.currentObjectId;
        doc.beginStroke();
        const value =
          this.name === 'eraser' ? { classId: 0, instanceId: 0 } : labelForGesture(this.ctx, mods);
        this.state = { kind: 'painting', last: p, value, objectBefore };
        this.paint(p, p, value);
        return;
      }
      case 'painting':
        return;
      default:
        assertNever(this.state);
    }
  }

  move(p: Point): void {
    switch (this.state.kind) {
      case 'idle':
        return;
      case 'painting':
        this.paint(this.state.last, p, this.state.value);
        this.state.last = p;
        return;
      default:
        assertNever(this.state);
    }
  }

  up(p: Point): void {
    if (this.state.kind !== 'painting') return;
    this.move(p);
    this.ctx.doc.commitStroke();
    this.state = { kind: 'idle' };
  }

  cancel(): void {
    if (this.state.kind !== 'painting') return;
    this.ctx.doc.abortStroke();
    this.ctx.currentObjectId = this.state.objectBefore;
    this.state = { kind: 'idle' };
  }

  finish(): void {}

  preview(): ToolPreview {
    return { polyline: null };
  }

  private paint(a: Point, b: Point, value: LabelValue): void {
    const { doc, brushSize } = this.ctx;
    doc.paintSpans(capsuleSpans(a, b, brushSize / 2, doc.width, doc.height), value);
  }
}

export function assertNever(x: never): never {
  throw new Error(`unexpected state ${JSON.stringify(x)}`);
}
