import type { ImageTileCache } from './ImageTileCache';
import { levelForScale, visibleTiles } from './tileGrid';
import { renderTile, type TileDisplay, tileDisplayKey } from './tileRender';
import type { Viewport } from './viewport';

/** Rendered tile canvases kept (1 MiB each at 512^2): a screen's worth of two levels and then some. */
const MAX_CANVASES = 160;
/** Coarser levels drawn under the wanted one while its tiles load (so panning never shows holes). */
const FALLBACK_LEVELS = 4;
/**
 * Time one frame may spend turning raw tiles into display pixels, ms (a 512^2 tile takes
 * ~1-2 ms): tiles past it wait for the next frame, shown meanwhile by their coarser level.
 */
const RENDER_BUDGET_MS = 2;

/**
 * Draws an image as tiles: for the current zoom the pyramid level that fits, only the tiles
 * in view, each rendered once per display setting into a small canvas (LRU-bounded). Tiles
 * still loading show their coarser level underneath. `draw` is called by Konva with the stage
 * transform applied, so tiles are placed in full-resolution image coordinates.
 */
export class TiledImageLayer {
  private readonly canvases = new Map<string, HTMLCanvasElement>();
  private displayKey = '';
  /** True once every tile of the wanted level in view was drawn (the first paint is done). */
  complete = false;
  /** True when the last frame left tiles whose pixels are here for the next one (draw again). */
  deferred = false;
  private renderUntil = 0;

  constructor(private readonly tiles: ImageTileCache) {}

  /** Draws the view; returns true when every wanted tile was there. */
  draw(ctx: CanvasRenderingContext2D, vp: Viewport, w: number, h: number, display: TileDisplay): boolean {
    const key = tileDisplayKey(display);
    if (key !== this.displayKey) {
      this.canvases.clear();
      this.displayKey = key;
    }
    const { levels, tileSize } = this.tiles.info;
    const wanted = levelForScale(levels, vp.scale);
    this.deferred = false;
    this.renderUntil = performance.now() + RENDER_BUDGET_MS;
    // The wanted level first (fetching what is missing), so that coarser levels are drawn only
    // under the tiles that are not there yet.
    const ready: [HTMLCanvasElement, number, number][] = [];
    const missing = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
    const range = visibleTiles(levels, wanted, tileSize, vp, w, h);
    for (let ty = range.ty0; ty <= range.ty1; ty++) {
      for (let tx = range.tx0; tx <= range.tx1; tx++) {
        const canvas = this.canvas(wanted, tx, ty, display, false);
        if (canvas) ready.push([canvas, tx, ty]);
        else {
          missing.x0 = Math.min(missing.x0, tx);
          missing.y0 = Math.min(missing.y0, ty);
          missing.x1 = Math.max(missing.x1, tx + 1);
          missing.y1 = Math.max(missing.y1, ty + 1);
        }
      }
    }
    const complete = missing.x1 < 0;
    if (!complete) {
      // Full-resolution pixels of the missing tiles' bounding box, per coarser level.
      const fw = (levels[0].width / levels[wanted].width) * tileSize;
      const fh = (levels[0].height / levels[wanted].height) * tileSize;
      const top = Math.min(levels.length - 1, wanted + FALLBACK_LEVELS);
      for (let level = top; level > wanted; level--) {
        this.drawLevel(ctx, level, visibleTiles(levels, level, tileSize, vp, w, h), display, {
          x0: missing.x0 * fw,
          y0: missing.y0 * fh,
          x1: missing.x1 * fw,
          y1: missing.y1 * fh,
        });
      }
    }
    for (const [canvas, tx, ty] of ready) this.place(ctx, wanted, tx, ty, canvas);
    this.complete = complete;
    return complete;
  }

  /** Draws the tiles of a fallback level in `range` that overlap `area` (full-resolution px). */
  private drawLevel(
    ctx: CanvasRenderingContext2D,
    level: number,
    range: { tx0: number; ty0: number; tx1: number; ty1: number },
    display: TileDisplay,
    area: { x0: number; y0: number; x1: number; y1: number },
  ): void {
    const { levels, tileSize } = this.tiles.info;
    const fw = (levels[0].width / levels[level].width) * tileSize;
    const fh = (levels[0].height / levels[level].height) * tileSize;
    const tx0 = Math.max(range.tx0, Math.floor(area.x0 / fw));
    const ty0 = Math.max(range.ty0, Math.floor(area.y0 / fh));
    const tx1 = Math.min(range.tx1, Math.ceil(area.x1 / fw) - 1);
    const ty1 = Math.min(range.ty1, Math.ceil(area.y1 / fh) - 1);
    for (let ty = ty0; ty <= ty1; ty++) {
      for (let tx = tx0; tx <= tx1; tx++) {
        const canvas = this.canvas(level, tx, ty, display, true);
        if (canvas) this.place(ctx, level, tx, ty, canvas);
      }
    }
  }

  /** Draws a tile canvas of `level` at its place in full-resolution image coordinates. */
  private place(
    ctx: CanvasRenderingContext2D,
    level: number,
    tx: number,
    ty: number,
    canvas: HTMLCanvasElement,
  ) {
    const { levels, tileSize } = this.tiles.info;
    const fx = levels[0].width / levels[level].width;
    const fy = levels[0].height / levels[level].height;
    ctx.drawImage(canvas, tx * tileSize * fx, ty * tileSize * fy, canvas.width * fx, canvas.height * fy);
  }

  /** The rendered canvas of a tile, or null while its pixels load (fallback levels only peek). */
  private canvas(
    level: number,
    tx: number,
    ty: number,
    display: TileDisplay,
    peek: boolean,
  ): HTMLCanvasElement | null {
    const key = `${level}/${tx}/${ty}`;
    const cached = this.canvases.get(key);
    if (cached) {
      this.canvases.delete(key);
      this.canvases.set(key, cached);
      return cached;
    }
    const raw = this.tiles.get(level, tx, ty, peek);
    if (!raw) return null;
    if (performance.now() > this.renderUntil) {
      this.deferred = true;
      return null;
    }
    const canvas = document.createElement('canvas');
    canvas.width = raw.width;
    canvas.height = raw.height;
    const c2d = canvas.getContext('2d');
    if (!c2d) return null;
    const data = c2d.createImageData(raw.width, raw.height);
    renderTile(raw, display, new Uint32Array(data.data.buffer));
    c2d.putImageData(data, 0, 0);
    this.canvases.set(key, canvas);
    for (const old of this.canvases.keys()) {
      if (this.canvases.size <= MAX_CANVASES) break;
      this.canvases.delete(old);
    }
    return canvas;
  }
}
