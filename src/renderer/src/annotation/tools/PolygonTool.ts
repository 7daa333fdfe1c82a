import { type Point, polygonSpans } from '../raster';
import { assertNever } from './BrushTool';
import type { Modifiers, Tool, ToolContext, ToolPreview } from './Tool';
import { labelForGesture } from './Tool';

type PolygonState =
  | { kind: 'idle' }
  | { kind: 'pressed'; points: Point[]; alt: boolean }
  | { kind: 'placing'; points: Point[]; hover: Point; alt: boolean };

/**
 * Polygon and lasso fill. Press-drag-release draws a lasso (every pointer sample is a vertex);
 * a click without dragging starts a polygon: each further click adds a vertex, clicking the first
 * vertex again (within `closeDistance` image px) or finish() (Enter, double-click) fills it.
 * The fill covers pixels whose centre is inside (even-odd). Escape drops the outline.
 */
export class PolygonTool implements Tool {
  readonly name = 'polygon';
  private state: PolygonState = { kind: 'idle' };
  /** Distance in image px under which a click closes the polygon / a drag counts as a click. */
  closeDistance = 4;

  constructor(private readonly ctx: ToolContext) {}

  down(p: Point, mods?: Modifiers): void {
    const s = this.state;
    switch (s.kind) {
      case 'idle':
        this.state = { kind: 'pressed', points: [p], alt: mods?.alt === true };
        return;
      case 'pressed':
        return;
      case 'placing':
        if (s.points.length >= 3 && dist(p, s.points[0]) <= this.closeDistance) this.finish();
        else s.points.push(p);
        return;
      default:
        assertNever(s);
    }
  }

  move(p: Point): void {
    const s = this.state;
    switch (s.kind) {
      case 'idle':
        return;
      case 'pressed':
        s.points.push(p);
        return;
      case 'placing':
        s.hover = p;
        return;
      default:
        assertNever(s);
    }
  }

  up(p: Point): void {
    const s = this.state;
    if (s.kind !== 'pressed') return;
    const far = s.points.some((q) => dist(q, s.points[0]) > this.closeDistance);
    if (far) {
      s.points.push(p);
      this.fill(s.points, s.alt);
    } else {
      this.state = { kind: 'placing', points: [s.points[0]], hover: p, alt: s.alt };
    }
  }

  cancel(): void {
    this.state = { kind: 'idle' };
  }

  finish(): void {
    const s = this.state;
    if (s.kind === 'placing' || s.kind === 'pressed') this.fill(s.points, s.alt);
  }

  preview(): ToolPreview {
    const s = this.state;
    switch (s.kind) {
      case 'idle':
        return { polyline: null };
      case 'pressed':
        return { polyline: [...s.points] };
      case 'placing':
        return { polyline: [...s.points, s.hover] };
      default:
        return assertNever(s);
    }
  }

  private fill(points: Point[], alt: boolean): void {
    this.state = { kind: 'idle' };
    const { doc } = this.ctx;
    const spans = polygonSpans(points, doc.width, doc.height);
    if (spans.length === 0) return;
    doc.beginStroke();
    doc.paintSpans(spans, labelForGesture(this.ctx, { alt }));
    doc.commitStroke();
  }
}

function dist(a: Point, b: Point): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}
