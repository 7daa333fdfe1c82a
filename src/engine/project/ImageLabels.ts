import { access, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../shared/errors';
import {
  type Annotation,
  type AnnotationPatch,
  type LabelTileIndex,
  MAX_IMAGE_PIXELS,
  TILE_SIZE,
} from '../../shared/imageData';
import type { AnnotationStatus } from '../../shared/schemas';
import { annotationPaths, readAnnotation } from './annotationFiles';
import {
  emptyLabelTile,
  type LabelTileData,
  type LabelTileWrite,
  listLabelTiles,
  readLabelTile,
  rollForwardLabelTiles,
  writeLabelTiles,
} from './labelTiles';

/** Decoded tiles kept per image (768 KiB each), besides the per-tile summaries. */
const TILE_CACHE = 48;

interface TileSummary {
  labelled: number;
  ids: Set<number>;
}

function summarize(data: LabelTileData): TileSummary {
  let labelled = 0;
  const ids = new Set<number>();
  for (let i = 0; i < data.classes.length; i++) {
    if (data.classes[i] !== 0) labelled++;
    if (data.instances[i] !== 0) ids.add(data.instances[i]);
  }
  return { labelled, ids };
}

/**
 * The labels of one image as sparse tiles (see labelTiles.ts), with a small cache of decoded
 * tiles and a summary per stored tile (labelled pixels, object ids) so that a patch updates
 * the annotation status without reading the whole image. Created by `load`, which also
 * migrates an older project's whole-image label PNGs into tiles. Not thread-safe on its own:
 * the Project runs every call in its write queue.
 */
export class ImageLabels {
  private readonly cache = new Map<string, LabelTileData | null>();
  /**
   * Tiles edited in memory whose write failed (disk full, read-only): reads see them and the
   * next patch writes them with its own tiles, so a refused save loses nothing.
   */
  private readonly unsaved = new Map<string, LabelTileData>();

  private constructor(
    private readonly dir: string,
    readonly imageId: string,
    readonly width: number,
    readonly height: number,
    private readonly summaries: Map<string, TileSummary>,
  ) {}

  /** Rolls a crashed write forward, migrates legacy label PNGs, reads the tile summaries. */
  static async load(dir: string, imageId: string, width: number, height: number): Promise<ImageLabels> {
    await rollForwardLabelTiles(dir, imageId);
    await migrateWholeImageLabels(dir, imageId, width, height);
    const summaries = new Map<string, TileSummary>();
    for (const [tx, ty] of await listLabelTiles(dir, imageId)) {
      const data = await readLabelTile(dir, imageId, tx, ty);
      if (data) summaries.set(`${tx}_${ty}`, summarize(data));
    }
    return new ImageLabels(dir, imageId, width, height, summaries);
  }

  get tilesX(): number {
    return Math.ceil(this.width / TILE_SIZE);
  }
  get tilesY(): number {
    return Math.ceil(this.height / TILE_SIZE);
  }

  /** Stored tiles and the next free object id. */
  index(): LabelTileIndex {
    const tiles = [...this.summaries.keys()].map((k) => k.split('_').map(Number) as [number, number]);
    tiles.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
    let maxId = 0;
    for (const s of this.summaries.values()) for (const id of s.ids) if (id > maxId) maxId = id;
    return {
      imageId: this.imageId,
      width: this.width,
      height: this.height,
      tileSize: TILE_SIZE,
      tiles,
      nextInstanceId: maxId + 1,
    };
  }

  /** Labelled pixels and distinct object ids over all tiles. */
  status(): AnnotationStatus {
    let labelledPixels = 0;
    const ids = new Set<number>();
    for (const s of this.summaries.values()) {
      labelledPixels += s.labelled;
      for (const id of s.ids) ids.add(id);
    }
    return { labelledPixels, objects: ids.size };
  }

  /** Tile (tx, ty) (zeros when never annotated); the arrays are shared, do not modify them. */
  async tile(tx: number, ty: number): Promise<LabelTileData> {
    if (
      !Number.isInteger(tx) ||
      !Number.isInteger(ty) ||
      tx < 0 ||
      ty < 0 ||
      tx >= this.tilesX ||
      ty >= this.tilesY
    )
      throw new AppError(
        'invalid_argument',
        `Label tile (${tx}, ${ty}) is outside the ${this.tilesX}x${this.tilesY} tiles of image ${this.imageId}.`,
      );
    return this.unsaved.get(`${tx}_${ty}`) ?? (await this.stored(tx, ty)) ?? emptyLabelTile();
  }

  /** Writes a rectangle of both label images: only the tiles it touches, in one atomic step. */
  async applyPatch(patch: AnnotationPatch): Promise<void> {
    const tx0 = Math.floor(patch.x / TILE_SIZE);
    const ty0 = Math.floor(patch.y / TILE_SIZE);
    const tx1 = Math.floor((patch.x + patch.w - 1) / TILE_SIZE);
    const ty1 = Math.floor((patch.y + patch.h - 1) / TILE_SIZE);
    const writes: LabelTileWrite[] = [];
    for (let ty = ty0; ty <= ty1; ty++) {
      for (let tx = tx0; tx <= tx1; tx++) {
        const old = this.unsaved.get(`${tx}_${ty}`) ?? (await this.stored(tx, ty));
        const data = old
          ? { classes: old.classes.slice(), instances: old.instances.slice() }
          : emptyLabelTile();
        const left = tx * TILE_SIZE;
        const top = ty * TILE_SIZE;
        const xa = Math.max(patch.x, left);
        const xb = Math.min(patch.x + patch.w, left + TILE_SIZE);
        for (let y = Math.max(patch.y, top); y < Math.min(patch.y + patch.h, top + TILE_SIZE); y++) {
          const from = (y - patch.y) * patch.w + (xa - patch.x);
          const to = (y - top) * TILE_SIZE + (xa - left);
          data.classes.set(patch.classes.subarray(from, from + xb - xa), to);
          data.instances.set(patch.instances.subarray(from, from + xb - xa), to);
        }
        writes.push({ tx, ty, data });
      }
    }
    for (const [key, data] of this.unsaved) {
      const [tx, ty] = key.split('_').map(Number);
      if (!writes.some((w) => w.tx === tx && w.ty === ty)) writes.push({ tx, ty, data });
    }
    try {
      await writeLabelTiles(this.dir, this.imageId, writes);
    } catch (error) {
      for (const { tx, ty, data } of writes) if (data) this.unsaved.set(`${tx}_${ty}`, data);
      throw error;
    }
    this.unsaved.clear();
    // The summaries follow disk only after the write committed.
    for (const { tx, ty, data } of writes) {
      const key = `${tx}_${ty}`;
      const summary = data ? summarize(data) : null;
      if (summary === null || (summary.labelled === 0 && summary.ids.size === 0)) {
        this.summaries.delete(key);
        this.remember(key, null);
      } else {
        this.summaries.set(key, summary);
        this.remember(key, data);
      }
    }
  }

  /**
   * Both label images whole (for training, compare and accept on images that fit in memory);
   * larger than MAX_IMAGE_PIXELS -> 'too_large'.
   */
  async whole(): Promise<Annotation> {
    const { width, height } = this;
    if (width * height > MAX_IMAGE_PIXELS) {
      throw new AppError(
        'too_large',
        `The labels of ${width}x${height} image ${this.imageId} are read tile by tile, not whole.`,
      );
    }
    const classes = new Uint8Array(width * height);
    const instances = new Uint16Array(width * height);
    for (const key of new Set([...this.summaries.keys(), ...this.unsaved.keys()])) {
      const [tx, ty] = key.split('_').map(Number);
      const data = this.unsaved.get(key) ?? (await this.stored(tx, ty));
      if (!data) continue;
      const left = tx * TILE_SIZE;
      const w = Math.min(TILE_SIZE, width - left);
      for (let y = ty * TILE_SIZE; y < Math.min(height, (ty + 1) * TILE_SIZE); y++) {
        const from = (y - ty * TILE_SIZE) * TILE_SIZE;
        classes.set(data.classes.subarray(from, from + w), y * width + left);
        instances.set(data.instances.subarray(from, from + w), y * width + left);
      }
    }
    return {
      imageId: this.imageId,
      width,
      height,
      classes,
      instances,
      nextInstanceId: this.index().nextInstanceId,
    };
  }

  private async stored(tx: number, ty: number): Promise<LabelTileData | null> {
    const key = `${tx}_${ty}`;
    if (!this.summaries.has(key)) return null;
    const cached = this.cache.get(key);
    if (cached !== undefined) {
      this.remember(key, cached);
      return cached;
    }
    const data = await readLabelTile(this.dir, this.imageId, tx, ty);
    this.remember(key, data);
    return data;
  }

  private remember(key: string, data: LabelTileData | null): void {
    this.cache.delete(key);
    this.cache.set(key, data);
    for (const oldest of this.cache.keys()) {
      if (this.cache.size <= TILE_CACHE) break;
      this.cache.delete(oldest);
    }
  }
}

/**
 * Projects written before label tiles kept one PNG pair per image
 * (`annotations/<id>.classes.png`, `.instances.png`). Their non-empty tiles are written in
 * one atomic tile write, then the old pair is removed; a crash in between leaves both, and
 * the next load migrates again (the same tiles, so nothing is lost or doubled).
 */
async function migrateWholeImageLabels(
  dir: string,
  imageId: string,
  width: number,
  height: number,
): Promise<void> {
  const paths = annotationPaths(dir, imageId);
  const journal = join(dir, 'annotations', `${imageId}.commit.json`);
  const exists = (p: string) =>
    access(p).then(
      () => true,
      () => false,
    );
  const present = await Promise.all([paths.classes, paths.instances, journal].map(exists));
  if (!present.some(Boolean)) return;
  // readAnnotation rolls the old format's own journal forward first.
  const legacy = await readAnnotation(dir, imageId, width, height);
  const writes: LabelTileWrite[] = [];
  for (let ty = 0; ty < Math.ceil(height / TILE_SIZE); ty++) {
    for (let tx = 0; tx < Math.ceil(width / TILE_SIZE); tx++) {
      const data = emptyLabelTile();
      let any = false;
      const left = tx * TILE_SIZE;
      const w = Math.min(TILE_SIZE, width - left);
      for (let y = ty * TILE_SIZE; y < Math.min(height, (ty + 1) * TILE_SIZE); y++) {
        const from = y * width + left;
        const to = (y - ty * TILE_SIZE) * TILE_SIZE;
        for (let x = 0; x < w; x++) {
          const c = legacy.classes[from + x];
          const id = legacy.instances[from + x];
          data.classes[to + x] = c;
          data.instances[to + x] = id;
          if (c !== 0 || id !== 0) any = true;
        }
      }
      if (any) writes.push({ tx, ty, data });
    }
  }
  if (writes.length > 0) await writeLabelTiles(dir, imageId, writes);
  await rm(paths.classes, { force: true });
  await rm(paths.instances, { force: true });
}
