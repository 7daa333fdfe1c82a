import { TILE_SIZE } from '../../../../shared/imageData';
import type { AnnotationDoc } from '../AnnotationDoc';
import { floodSpans, type Span } from '../raster';
import type { LabelTileArrays } from '../SparseLabels';
import type { Rect } from '../UndoHistory';
import type { FillMode, IntensitySource } from './Tool';

/** The largest share of the image (of the fill window, on a slide) one fill covers without Shift. */
export const MAX_FILL_FRACTION = 0.25;
/** Side of the square around the seed that a fill may cover, pixels. */
export const FILL_WINDOW = 4096;
/**
 * The most pixels a preview floods (past it, the preview only says "more than"): a region of up
 * to 512² is previewed whole, on images up to 1024² a larger one is past the Shift threshold
 * anyway, and hovering a slide costs a few tens of milliseconds a frame at most
 * (fillPreview.bench.ts).
 */
export const PREVIEW_AREA_CAP = 1 << 18;

/** What a fill region depends on besides the labels and pixels themselves. */
export interface FillSettings {
  doc: AnnotationDoc;
  fillMode: FillMode;
  fillTolerance: number;
  intensity: IntensitySource | null;
}

/**
 * The pixels one Fill click at a seed covers: 4-connected spans in image pixels, inside `window`
 * (a FILL_WINDOW square around the seed, so a fill on a slide never covers the whole slide).
 * `fraction` is the share of the window, the figure MAX_FILL_FRACTION is checked against.
 */
export interface FillRegion {
  seedX: number;
  seedY: number;
  mode: FillMode;
  tolerance: number;
  window: Rect;
  spans: Span[];
  area: number;
  fraction: number;
  /** Bounding box of the spans (image pixels). */
  bounds: Rect;
  /** A preview that stopped at its cap: the region holds more than `area` pixels. */
  truncated: boolean;
}

/** The window a fill seeded at pixel (x, y) stays in. */
export function fillWindow(x: number, y: number, width: number, height: number): Rect {
  return {
    x: Math.max(0, Math.min(width - FILL_WINDOW, x - FILL_WINDOW / 2)),
    y: Math.max(0, Math.min(height - FILL_WINDOW, y - FILL_WINDOW / 2)),
    w: Math.min(width, FILL_WINDOW),
    h: Math.min(height, FILL_WINDOW),
  };
}

/**
 * The region a Fill click at pixel (x, y) covers. 'label': the pixels with the seed's class and
 * object; 'intensity': those whose first-channel value is within the tolerance of the seed's.
 * Null outside the image, or when the seed's intensity is not loaded yet (NaN pixels are never
 * within tolerance, so a fill also stops where tiles are missing).
 * `preview`: stop once the region is past PREVIEW_AREA_CAP (`truncated`), and read labels where
 * they lie instead of copying the window first.
 */
export function computeFillRegion(
  s: FillSettings,
  x: number,
  y: number,
  opts: { preview?: boolean } = {},
): FillRegion | null {
  const { doc } = s;
  if (x < 0 || y < 0 || x >= doc.width || y >= doc.height) return null;
  const win = fillWindow(x, y, doc.width, doc.height);
  const cap = opts.preview ? PREVIEW_AREA_CAP : Infinity;
  const inside = regionTest(s, x, y, win, opts.preview === true);
  if (!inside) return null;
  const spans = floodSpans({ x: x - win.x, y: y - win.y }, win.w, win.h, inside, cap + 1);
  let area = 0;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const span of spans) {
    span.y += win.y;
    span.x0 += win.x;
    span.x1 += win.x;
    area += span.x1 - span.x0 + 1;
    x0 = Math.min(x0, span.x0);
    x1 = Math.max(x1, span.x1);
    y0 = Math.min(y0, span.y);
    y1 = Math.max(y1, span.y);
  }
  return {
    seedX: x,
    seedY: y,
    mode: s.fillMode,
    tolerance: s.fillTolerance,
    window: win,
    spans,
    area,
    fraction: area / (win.w * win.h),
    bounds: area > 0 ? { x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1 } : { x, y, w: 0, h: 0 },
    truncated: area > cap,
  };
}

/** Whether window pixel i (row-major in `win`) belongs to the seed's region. */
function regionTest(
  s: FillSettings,
  sx: number,
  sy: number,
  win: Rect,
  lazy: boolean,
): ((i: number) => boolean) | null {
  const { doc, fillMode, intensity, fillTolerance } = s;
  if (fillMode === 'label' && lazy) {
    // Tile by tile where the labels lie: a preview on a slide must not copy a 4096² window.
    const { classId, instanceId } = doc.labelAt(sx, sy);
    const unlabelled = classId === 0 && instanceId === 0;
    const { x: wx, y: wy, w: ww } = win;
    const tilesX = doc.labels.tilesX;
    let key = -1;
    let tile: LabelTileArrays | undefined;
    return (i) => {
      const ly = (i / ww) | 0;
      const x = wx + i - ly * ww;
      const y = wy + ly;
      const tx = (x / TILE_SIZE) | 0;
      const ty = (y / TILE_SIZE) | 0;
      const k = ty * tilesX + tx;
      if (k !== key) {
        key = k;
        tile = doc.labels.get(tx, ty);
      }
      if (!tile) return unlabelled;
      const j = (y - ty * TILE_SIZE) * TILE_SIZE + (x - tx * TILE_SIZE);
      return tile.classes[j] === classId && tile.instances[j] === instanceId;
    };
  }

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
  return (i) =>
    Math.abs(intensity.valueAt(win.x + (i % win.w), win.y + Math.floor(i / win.w)) - v) <= fillTolerance;
}

/** Whether pixel (x, y) lies in the region (spans of one row are disjoint; a scan is enough). */
export function regionContains(region: FillRegion, x: number, y: number): boolean {
  for (const span of region.spans) if (span.y === y && x >= span.x0 && x <= span.x1) return true;
  return false;
}
