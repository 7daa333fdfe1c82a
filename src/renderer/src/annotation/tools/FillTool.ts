import { floodSpans, type Point } from '../raster';
import type { Rect } from '../UndoHistory';
import type { Modifiers, Tool, ToolContext, ToolPreview } from './Tool';
import { labelForGesture } from './Tool';

/** The largest share of the image (of the fill window, on a slide) one fill covers without Shift. */
export const MAX_FILL_FRACTION = 0.25;
/** Side of the square around the seed that a fill may cover, pixels. */
export const FILL_WINDOW = 4096;

/**
 * Flood fill from the clicked pixel over its 4-connected region, painted with the active class.
 * ctx.fillMode 'label': the region of pixels with the same class and instance as the seed (fills
 * holes, relabels an object). 'intensity': the region whose image intensity (first channel) is
 * within ctx.fillTolerance of the seed's (a magic wand). One click = one undo step.
 * A region larger than MAX_FILL_FRACTION of the image is not filled unless Shift is held
 * (ctx.onFillRefused says why): one click must never label the whole image by surprise.
 */
export class FillTool implements Tool {
  readonly name = 'fill';

  constructor(private readonly ctx: ToolContext) {}

  down(p: Point, mods?: Modifiers): void {
    const { doc } = this.ctx;
    const x = Math.floor(p.x);
    const y = Math.floor(p.y);
    if (x < 0 || y < 0 || x >= doc.width || y >= doc.height) return;
    // The fill stays inside a window around the seed: on a slide, a fill of an unlabelled
    // area would otherwise cover (and allocate) the whole image.
    const win = {
      x: Math.max(0, Math.min(doc.width - FILL_WINDOW, x - FILL_WINDOW / 2)),
      y: Math.max(0, Math.min(doc.height - FILL_WINDOW, y - FILL_WINDOW / 2)),
      w: Math.min(doc.width, FILL_WINDOW),
      h: Math.min(doc.height, FILL_WINDOW),
    };
    const inside = this.regionTest(x, y, win);
    if (!inside) return;
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
    const local = { x: p.x - win.x, y: p.y - win.y };
    const spans = floodSpans(local, win.w, win.h, inside).map((s) => ({
      y: s.y + win.y,
      x0: s.x0 + win.x,
      x1: s.x1 + win.x,
    }));
    let area = 0;
    for (const span of spans) area += span.x1 - span.x0 + 1;
    const fraction = area / (win.w * win.h);
    if (fraction > MAX_FILL_FRACTION && !mods?.shift) {
      doc.abortStroke();
      this.ctx.onFillRefused?.(fraction);
      return;
    }
    doc.paintSpans(spans, value);
    doc.commitStroke();
  }

  move(): void {}

  up(): void {}

  cancel(): void {}

  finish(): void {}

  preview(): ToolPreview {
    return { polyline: null };
  }

  /** Whether window pixel i (row-major in `win`) belongs to the seed's region. */
  private regionTest(sx: number, sy: number, win: Rect): ((i: number) => boolean) | null {
    const { doc, fillMode, intensity, fillTolerance } = this.ctx;
    if (fillMode === 'label') {
      const { classes, instances } = doc.extract(win);
      const seed = (sy - win.y) * win.w + (sx - win.x);
      const c = classes[seed];
      const id = instances[seed];
      return (i) => classes[i] === c && instances[i] === id;
    }
    if (!intensity) return null;
    const v = intensity.valueAt(sx, sy);
    if (Number.isNaN(v)) return null;
    // NaN (pixels not loaded yet) is never within tolerance: the fill stops there.
    return (i) =>
      Math.abs(intensity.valueAt(win.x + (i % win.w), win.y + Math.floor(i / win.w)) - v) <= fillTolerance;
  }
}
