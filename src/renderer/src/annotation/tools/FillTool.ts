import type { Point } from '../raster';
import {
  computeFillRegion,
  type FillRegion,
  fillWindow,
  MAX_FILL_FRACTION,
  regionContains,
} from './fillRegion';
import type { Modifiers, Tool, ToolContext, ToolPreview } from './Tool';
import { labelForGesture } from './Tool';

export { FILL_WINDOW, MAX_FILL_FRACTION } from './fillRegion';

/**
 * Flood fill from the clicked pixel over its 4-connected region, painted with the active class.
 * ctx.fillMode 'label': the region of pixels with the same class and instance as the seed (fills
 * holes, relabels an object). 'intensity': the region whose image intensity (first channel) is
 * within ctx.fillTolerance of the seed's (a magic wand). One click = one undo step.
 * A region larger than MAX_FILL_FRACTION of the image is not filled unless Shift is held
 * (ctx.onFillRefused says why): one click must never label the whole image by surprise.
 *
 * `regionAt` is the preview: the canvas shows it under the pointer, and a click at the same
 * pixel with the same settings fills that very region (it is kept until the labels, the pixels
 * or the settings change: the canvas calls `invalidate` when labels change or tiles arrive).
 */
export class FillTool implements Tool {
  readonly name = 'fill';
  private cached: FillRegion | null = null;

  constructor(private readonly ctx: ToolContext) {}

  /**
   * The region a click at pixel (x, y) would fill now (null: nothing to fill there). `preview`
   * may stop early (`truncated`: past PREVIEW_AREA_CAP); a click never uses a truncated region
   * but floods the whole one.
   */
  regionAt(x: number, y: number, opts: { preview?: boolean } = {}): FillRegion | null {
    const { fillMode, fillTolerance, doc } = this.ctx;
    const c = this.cached;
    if (c && c.mode === fillMode && (opts.preview || !c.truncated)) {
      if (c.seedX === x && c.seedY === y && (fillMode === 'label' || c.tolerance === fillTolerance)) return c;
      // Any seed inside a whole label region has that same region, when its window is the same.
      const win = fillWindow(x, y, doc.width, doc.height);
      const sameWindow = win.x === c.window.x && win.y === c.window.y;
      if (fillMode === 'label' && !c.truncated && sameWindow && regionContains(c, x, y)) return c;
    }
    const region = computeFillRegion(this.ctx, x, y, opts);
    this.cached = region;
    return region;
  }

  /**
   * Whether a click filling `region` now would change any pixel: not when every pixel already
   * holds the class it would paint (a background filled twice). A new object id always changes
   * them; a truncated preview is not known whole, so it counts as a change.
   */
  wouldChange(region: FillRegion): boolean {
    const { doc, classId, instanceMode, isObjectClass } = this.ctx;
    if (region.truncated || (instanceMode && isObjectClass(classId))) return true;
    for (const span of region.spans) {
      for (let x = span.x0; x <= span.x1; x++) {
        const label = doc.labelAt(x, span.y);
        if (label.classId !== classId || label.instanceId !== 0) return true;
      }
    }
    return false;
  }

  /** Forgets the kept region (labels changed, or pixels arrived). */
  invalidate(): void {
    this.cached = null;
  }

  down(p: Point, mods?: Modifiers): void {
    const { doc } = this.ctx;
    const x = Math.floor(p.x);
    const y = Math.floor(p.y);
    const region = this.regionAt(x, y);
    // Nothing would change: no empty undo step.
    if (!region || !this.wouldChange(region)) return;
    doc.beginStroke();
    const value = labelForGesture(this.ctx, mods);
    const seed = doc.labelAt(x, y);
    if (
      this.ctx.fillMode === 'label' &&
      seed.classId === value.classId &&
      seed.instanceId === value.instanceId
    ) {
      doc.abortStroke();
      return;
    }
    if (region.fraction > MAX_FILL_FRACTION && !mods?.shift) {
      doc.abortStroke();
      this.ctx.onFillRefused?.(region.fraction);
      return;
    }
    doc.paintSpans(region.spans, value);
    doc.commitStroke();
    this.invalidate();
  }

  move(): void {}

  up(): void {}

  cancel(): void {}

  finish(): void {}

  preview(): ToolPreview {
    return { polyline: null };
  }
}
