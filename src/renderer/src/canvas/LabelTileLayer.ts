import { TILE_SIZE } from '../../../shared/api';
import type { AnnotationDoc } from '../annotation/AnnotationDoc';
import type { Rect } from '../annotation/UndoHistory';
import { outlinePalette, renderLabels } from './labelOverlay';
import { visibleTiles } from './tileGrid';
import type { Viewport } from './viewport';

/** Label tile canvases kept (1 MiB each); others are repainted from the document when seen again. */
const MAX_CANVASES = 96;

/**
 * The label overlay as tiles: one canvas per label tile that holds labels (a never-labelled
 * area draws nothing and costs nothing), repainted by dirty rect (renderLabels on that part
 * of the tile), drawn at full resolution under the stage's transform. Opacity is baked into
 * the fill alpha so outlines stay opaque; changing it or the palette repaints lazily.
 */
export class LabelTileLayer {
  private readonly canvases = new Map<number, HTMLCanvasElement>();
  private readonly outlines = outlinePalette();
  private readonly scratch = new ImageData(TILE_SIZE, TILE_SIZE);
  private readonly words = new Uint32Array(this.scratch.data.buffer);
  private palette: Uint32Array = new Uint32Array(256);
  private opacity = 0.5;

  constructor(private readonly doc: AnnotationDoc) {}

  /** New colours or opacity: every tile is repainted when next drawn. */
  setStyle(palette: Uint32Array, opacity: number): void {
    this.palette = palette;
    this.opacity = opacity;
    this.canvases.clear();
  }

  /** Repaints the part of every held tile canvas inside `rect` (image pixels). */
  update(rect: Rect): void {
    const { labels } = this.doc;
    const tx0 = Math.max(0, Math.floor((rect.x - 1) / TILE_SIZE));
    const ty0 = Math.max(0, Math.floor((rect.y - 1) / TILE_SIZE));
    const tx1 = Math.min(labels.tilesX - 1, Math.floor((rect.x + rect.w) / TILE_SIZE));
    const ty1 = Math.min(labels.tilesY - 1, Math.floor((rect.y + rect.h) / TILE_SIZE));
    for (let ty = ty0; ty <= ty1; ty++) {
      for (let tx = tx0; tx <= tx1; tx++) {
        const key = labels.key(tx, ty);
        const canvas = this.canvases.get(key);
        if (!canvas) continue; // painted whole when next drawn
        if (!labels.get(tx, ty)) {
          this.canvases.delete(key);
          continue;
        }
        const local = {
          x: rect.x - tx * TILE_SIZE,
          y: rect.y - ty * TILE_SIZE,
          w: rect.w,
          h: rect.h,
        };
        const clipped = clip(local);
        if (clipped) this.paint(canvas, tx, ty, clipped);
      }
    }
  }

  /** Draws the label tiles in view. */
  draw(ctx: CanvasRenderingContext2D, vp: Viewport, w: number, h: number): void {
    const { labels } = this.doc;
    const levels = [{ width: this.doc.width, height: this.doc.height }];
    const { tx0, ty0, tx1, ty1 } = visibleTiles(levels, 0, TILE_SIZE, vp, w, h);
    for (let ty = ty0; ty <= ty1; ty++) {
      for (let tx = tx0; tx <= tx1; tx++) {
        if (!labels.get(tx, ty)) continue;
        const canvas = this.canvas(tx, ty);
        ctx.drawImage(canvas, tx * TILE_SIZE, ty * TILE_SIZE);
      }
    }
  }

  private canvas(tx: number, ty: number): HTMLCanvasElement {
    const key = this.doc.labels.key(tx, ty);
    let canvas = this.canvases.get(key);
    if (canvas) {
      this.canvases.delete(key);
      this.canvases.set(key, canvas);
      return canvas;
    }
    canvas = document.createElement('canvas');
    canvas.width = Math.min(TILE_SIZE, this.doc.width - tx * TILE_SIZE);
    canvas.height = Math.min(TILE_SIZE, this.doc.height - ty * TILE_SIZE);
    this.paint(canvas, tx, ty, { x: 0, y: 0, w: TILE_SIZE, h: TILE_SIZE });
    this.canvases.set(key, canvas);
    for (const old of this.canvases.keys()) {
      if (this.canvases.size <= MAX_CANVASES) break;
      this.canvases.delete(old);
    }
    return canvas;
  }

  /** renderLabels on the tile's arrays inside `local` (tile pixels), then onto its canvas. */
  private paint(canvas: HTMLCanvasElement, tx: number, ty: number, local: Rect): void {
    const tile = this.doc.labels.get(tx, ty);
    const ctx = canvas.getContext('2d');
    if (!tile || !ctx) return;
    const r = renderLabels(
      tile.classes,
      tile.instances,
      TILE_SIZE,
      TILE_SIZE,
      local,
      { palette: this.palette, outlines: this.outlines, fillAlpha: this.opacity * 255 },
      this.words,
    );
    ctx.putImageData(this.scratch, 0, 0, r.x, r.y, r.w, r.h);
  }
}

/** `rect` cut to one tile (0..TILE_SIZE), or null when it misses it (outlines reach 1 px out). */
function clip(rect: Rect): Rect | null {
  const x0 = Math.max(0, rect.x - 1);
  const y0 = Math.max(0, rect.y - 1);
  const x1 = Math.min(TILE_SIZE, rect.x + rect.w + 1);
  const y1 = Math.min(TILE_SIZE, rect.y + rect.h + 1);
  if (x1 <= x0 || y1 <= y0) return null;
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}
