import type { ImageTileCache } from './ImageTileCache';
import { levelForScale, visibleTiles } from './tileGrid';
import { renderTile, type TileDisplay } from './tileRender';
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
    const key = `${display.min}/${display.max}/${display.lut}`;
    if (key !== this.displayKey) {
      this.canvases.clear();
      this.displayKey = key;
    }
    const { levels, tileSize } = this.tiles.info;
    const wanted = levelForScale(levels, vp.scale);
    const top = Math.min(levels.length - 1, wanted + FALLBACK_LEVELS);
    let complete = true;
    this.deferred = false;
    this.renderUntil = performance.now() + RENDER_BUDGET_MS;
    for (let level = top; level >= wanted; level--) {
      const { tx0, ty0, tx1, ty1 } = visibleTiles(levels, level, tileSize, vp, w, h);
      const fx = levels[0].width / levels[level].width;
      const fy = levels[0].height / levels[level].height;
      for (let ty = ty0; ty <= ty1; ty++) {
        for (let tx = tx0; tx <= tx1; tx++) {
          const canvas = this.canvas(level, tx, ty, display, level !== wanted);
          if (!canvas) {
            if (level === wanted) complete = false;
            continue;
          }
          ctx.drawImage(
            canvas,
            tx * tileSize * fx,
            ty * tileSize * fy,
            canvas.width * fx,
            canvas.height * fy,
          );
        }
      }
    }
    this.complete = complete;
    return complete;
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
