import type { ImageTile, ImageTileInfo, Result } from '../../../shared/api';
import type { RawImage } from './imageRender';
import { displayableTile } from './tileRender';

/** Raw tiles kept, most recently used last (a 512^2 16-bit tile is 512 KiB). */
const MAX_TILES = 256;

export type FetchTile = (level: number, tx: number, ty: number) => Promise<Result<ImageTile>>;

/**
 * The raw tiles of one image that the viewer has fetched, bounded (LRU by count) so a slide
 * never fills the renderer's memory. `get` answers from memory or starts one fetch per tile
 * (concurrent asks share it); `onLoaded` tells the viewer to redraw.
 */
export class ImageTileCache {
  private readonly tiles = new Map<string, RawImage>();
  private readonly pending = new Set<string>();
  private readonly listeners = new Set<() => void>();
  /** Tiles that failed to load (not asked again; shown as their coarser level). */
  private readonly failed = new Set<string>();

  constructor(
    readonly info: ImageTileInfo,
    private readonly fetchTile: FetchTile,
  ) {}

  /** The tile when it is here, else undefined (and it is fetched unless `peek`). */
  get(level: number, tx: number, ty: number, peek = false): RawImage | undefined {
    const key = `${level}/${tx}/${ty}`;
    const tile = this.tiles.get(key);
    if (tile) {
      this.tiles.delete(key);
      this.tiles.set(key, tile);
      return tile;
    }
    if (!peek && !this.pending.has(key) && !this.failed.has(key)) void this.load(key, level, tx, ty);
    return undefined;
  }

  /** The tile, fetched when it is not here; undefined when it cannot be loaded. */
  async fetch(level: number, tx: number, ty: number): Promise<RawImage | undefined> {
    const key = `${level}/${tx}/${ty}`;
    const here = this.get(level, tx, ty);
    if (here || this.failed.has(key)) return here;
    await new Promise<void>((resolve) => {
      const done = () => {
        if (this.pending.has(key)) return;
        off();
        resolve();
      };
      const off = this.onLoaded(done);
      // Arrival notifies listeners after `pending` is cleared; a failure notifies too.
      done();
    });
    return this.get(level, tx, ty, true);
  }

  /** Raw value of the first channel at full-resolution pixel (x, y), NaN when its tile is not here. */
  valueAt(x: number, y: number, channel = 0): number {
    const size = this.info.tileSize;
    const tile = this.get(0, Math.floor(x / size), Math.floor(y / size), true);
    if (!tile) return Number.NaN;
    return tile.data[((y % size) * tile.width + (x % size)) * tile.channels + channel];
  }

  /** Subscribes to tile arrivals; returns the unsubscribe function. */
  onLoaded(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tiles in memory (for the bench's memory report). */
  get size(): number {
    return this.tiles.size;
  }

  private async load(key: string, level: number, tx: number, ty: number): Promise<void> {
    this.pending.add(key);
    try {
      const result = await this.fetchTile(level, tx, ty);
      if (!result.ok) {
        this.failed.add(key);
        return;
      }
      this.tiles.set(key, displayableTile(result.value, this.info.stats));
      for (const old of this.tiles.keys()) {
        if (this.tiles.size <= MAX_TILES) break;
        this.tiles.delete(old);
      }
    } catch {
      this.failed.add(key);
    } finally {
      this.pending.delete(key);
      // A failure is news too: the viewer draws the coarser level, a waiting fetch resolves.
      for (const listener of this.listeners) listener();
    }
  }
}
