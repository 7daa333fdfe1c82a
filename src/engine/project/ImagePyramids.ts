import { type ImageTile, type ImageTileInfo, TILE_SIZE } from '../../shared/imageData';
import type { ImageEntry } from '../../shared/schemas';
import type { ImagePyramid, MemoryPyramid } from '../image/index';
import { isLargeImage, openTiffPyramid } from './largeImage';

/** Pyramids kept open (file handles, decoded tiles, reduced levels), most recent last. */
const OPEN_PYRAMIDS = 4;

/**
 * The open image pyramids of a project, a few at a time: large images read lazily from
 * their TIFF or cache, the others from their decoded pixels (`decode`, the project's pixel
 * cache). Every image reaches the UI through here, as tiles.
 */
export class ImagePyramids {
  private readonly open = new Map<string, Promise<ImagePyramid>>();

  constructor(
    private readonly dir: string,
    private readonly decode: (imageId: string) => Promise<MemoryPyramid>,
  ) {}

  /** Size, sample type and levels of an image's pyramid. */
  async info(entry: ImageEntry): Promise<ImageTileInfo> {
    const pyramid = await this.get(entry);
    return {
      imageId: entry.id,
      width: pyramid.width,
      height: pyramid.height,
      channels: pyramid.channels,
      bitDepth: pyramid.bitDepth,
      tileSize: TILE_SIZE,
      levels: pyramid.levels.map((l) => ({ ...l })),
      stats: entry.stats,
    };
  }

  /** Raw samples of one tile ('invalid_argument' outside the pyramid). */
  async tile(entry: ImageEntry, level: number, tx: number, ty: number): Promise<ImageTile> {
    const tile = await (await this.get(entry)).readTile(level, tx, ty);
    return { imageId: entry.id, level, tx, ty, ...tile };
  }

  /** Closes the pyramid of an image (removed) or all of them (project closed). */
  async forget(imageId?: string): Promise<void> {
    const ids = imageId === undefined ? [...this.open.keys()] : [imageId];
    for (const id of ids) {
      const pending = this.open.get(id);
      this.open.delete(id);
      await pending?.then((p) => p.close()).catch(() => {});
    }
  }

  private get(entry: ImageEntry): Promise<ImagePyramid> {
    let pending = this.open.get(entry.id);
    if (pending === undefined) {
      pending = isLargeImage(entry) ? openTiffPyramid(this.dir, entry) : this.decode(entry.id);
      // A failed open is not kept: the next call tries again (the file may be back).
      pending.catch(() => this.open.delete(entry.id));
    }
    this.open.delete(entry.id);
    this.open.set(entry.id, pending);
    for (const id of this.open.keys()) {
      if (this.open.size <= OPEN_PYRAMIDS) break;
      void this.forget(id);
    }
    return pending;
  }
}
