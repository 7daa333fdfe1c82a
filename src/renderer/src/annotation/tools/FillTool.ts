import { floodSpans, type Point } from '../raster';
import type { Modifiers, Tool, ToolContext, ToolPreview } from './Tool';
import { labelForGesture } from './Tool';

/** The largest share of the image one fill covers without Shift. */
export const MAX_FILL_FRACTION = 0.25;

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
    const inside = this.regionTest(y * doc.width + x);
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
    const spans = floodSpans(p, doc.width, doc.height, inside);
    let area = 0;
    for (const span of spans) area += span.x1 - span.x0 + 1;
    const fraction = area / (doc.width * doc.height);
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

  private regionTest(seed: number): ((index: number) => boolean) | null {
    const { doc, fillMode, intensity, fillTolerance } = this.ctx;
    if (fillMode === 'label') {
      const c = doc.classes[seed];
      const id = doc.instances[seed];
      return (i) => doc.classes[i] === c && doc.instances[i] === id;
    }
    if (!intensity) return null;
    const { data, channels } = intensity;
    const v = data[seed * channels];
    return (i) => Math.abs(data[i * channels] - v) <= fillTolerance;
  }
}
