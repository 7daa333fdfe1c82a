import type { Point } from '../raster';
import type { Tool, ToolContext, ToolPreview } from './Tool';

/**
 * Eyedropper: reports the label under the pointer through ctx.onPick and makes its instance the
 * current object (so "continue object" extends it). Unlabelled pixels pick nothing.
 */
export class PickTool implements Tool {
  readonly name = 'pick';

  constructor(private readonly ctx: ToolContext) {}

  down(p: Point): void {
    const { doc } = this.ctx;
    const x = Math.floor(p.x);
    const y = Math.floor(p.y);
    if (x < 0 || y < 0 || x >= doc.width || y >= doc.height) return;
    const value = doc.labelAt(x, y);
    if (value.classId === 0) return;
    this.ctx.classId = value.classId;
    this.ctx.currentObjectId = value.instanceId;
    this.ctx.onPick(value);
  }

  move(): void {}

  up(): void {}

  cancel(): void {}

  finish(): void {}

  preview(): ToolPreview {
    return { polyline: null };
  }
}
