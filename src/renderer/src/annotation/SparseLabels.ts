import { TILE_SIZE } from '../../../shared/imageData';
import type { Rect } from './UndoHistory';

/** Both label images of one tile, TILE_SIZE x TILE_SIZE each (zero past the image's edge). */
export interface LabelTileArrays {
  classes: Uint8Array;
  instances: Uint16Array;
}

/**
 * The label images of one image as sparse TILE_SIZE tiles (the layout the project stores and
 * the API sends): a tile that was never labelled holds no memory, so a 100000-pixel slide with
 * a few annotated cells costs a few tiles. Reads of absent tiles are zeros.
 */
export class SparseLabels {
  readonly tilesX: number;
  readonly tilesY: number;
  private readonly tiles = new Map<number, LabelTileArrays>();

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.tilesX = Math.ceil(width / TILE_SIZE);
    this.tilesY = Math.ceil(height / TILE_SIZE);
  }

  key(tx: number, ty: number): number {
    return ty * this.tilesX + tx;
  }

  /** The tile's arrays, or undefined when it holds nothing. Shared: do not modify. */
  get(tx: number, ty: number): LabelTileArrays | undefined {
    return this.tiles.get(this.key(tx, ty));
  }

  /** The tile's arrays, created (zeros) when absent. */
  ensure(tx: number, ty: number): LabelTileArrays {
    const key = this.key(tx, ty);
    let tile = this.tiles.get(key);
    if (!tile) {
      tile = {
        classes: new Uint8Array(TILE_SIZE * TILE_SIZE),
        instances: new Uint16Array(TILE_SIZE * TILE_SIZE),
      };
      this.tiles.set(key, tile);
    }
    return tile;
  }

  /** Puts a tile's arrays in place (undefined removes it). */
  set(tx: number, ty: number, tile: LabelTileArrays | undefined): void {
    if (tile) this.tiles.set(this.key(tx, ty), tile);
    else this.tiles.delete(this.key(tx, ty));
  }

  clear(): void {
    this.tiles.clear();
  }

  /** [tx, ty] of every tile held. */
  keys(): [number, number][] {
    return [...this.tiles.keys()].map((k) => [k % this.tilesX, Math.floor(k / this.tilesX)]);
  }

  /** Copies of the class and instance values inside `rect` (row-major). */
  read(rect: Rect): LabelTileArrays {
    const classes = new Uint8Array(rect.w * rect.h);
    const instances = new Uint16Array(rect.w * rect.h);
    this.eachPart(rect, (tile, from, to, n) => {
      if (!tile) return;
      classes.set(tile.classes.subarray(from, from + n), to);
      instances.set(tile.instances.subarray(from, from + n), to);
    });
    return { classes, instances };
  }

  /** Writes `values` (row-major rect.w x rect.h) into `rect`; zeros into absent tiles are skipped. */
  write(rect: Rect, values: LabelTileArrays): void {
    this.eachPart(rect, (tile, from, to, n, tx, ty) => {
      let target = tile;
      if (!target) {
        let any = false;
        for (let i = to; i < to + n && !any; i++) any = values.classes[i] !== 0 || values.instances[i] !== 0;
        if (!any) return;
        target = this.ensure(tx, ty);
      }
      target.classes.set(values.classes.subarray(to, to + n), from);
      target.instances.set(values.instances.subarray(to, to + n), from);
    });
  }

  /**
   * Calls `fn` for every row segment of `rect` within one tile: the tile (undefined if
   * absent), the offset in the tile, the offset in the rect's row-major arrays, the length.
   */
  private eachPart(
    rect: Rect,
    fn: (
      tile: LabelTileArrays | undefined,
      from: number,
      to: number,
      n: number,
      tx: number,
      ty: number,
    ) => void,
  ): void {
    const tx0 = Math.floor(rect.x / TILE_SIZE);
    const tx1 = Math.floor((rect.x + rect.w - 1) / TILE_SIZE);
    for (let row = 0; row < rect.h; row++) {
      const y = rect.y + row;
      const ty = Math.floor(y / TILE_SIZE);
      for (let tx = tx0; tx <= tx1; tx++) {
        const xa = Math.max(rect.x, tx * TILE_SIZE);
        const xb = Math.min(rect.x + rect.w, (tx + 1) * TILE_SIZE);
        const from = (y - ty * TILE_SIZE) * TILE_SIZE + (xa - tx * TILE_SIZE);
        fn(this.tiles.get(this.key(tx, ty)), from, row * rect.w + (xa - rect.x), xb - xa, tx, ty);
      }
    }
  }
}
