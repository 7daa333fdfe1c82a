import { TILE_SIZE } from '../../../shared/imageData';
import type { Span } from './raster';
import { type LabelTileArrays, SparseLabels } from './SparseLabels';
import { type Rect, type RegionPatch, UndoHistory } from './UndoHistory';

/** Classes: 0 = unlabelled, 1 = background, 2 = cell, ... Instances: 0 = none. */
export interface LabelValue {
  classId: number;
  instanceId: number;
}

/** Called with the rectangle of pixels that changed (during a stroke, on undo/redo, on load). */
export type ChangeListener = (rect: Rect) => void;

/** Largest area one autosave patch gathers from separate edits, pixels (far-apart strokes go apart). */
const MAX_SAVE_AREA = 1 << 22;
/** Largest image whose labels may be copied whole (`classes`, `instances`: tests, small images). */
const MAX_WHOLE_COPY = 1 << 24;

function union(a: Rect | null, b: Rect): Rect {
  if (!a) return { ...b };
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, w: Math.max(a.x + a.w, b.x + b.w) - x, h: Math.max(a.y + a.h, b.y + b.h) - y };
}

/**
 * The label image of one image, outside React: a class map and an instance map held as
 * sparse TILE_SIZE tiles (SparseLabels: never-labelled areas hold no memory, so a slide of
 * 100000 pixels a side is as cheap as a small image) plus the next free instance id. Edits
 * happen inside a gesture (beginStroke -> paintSpans... -> commitStroke | abortStroke); each
 * committed gesture is one undo step holding only the changed rectangle. Before-values are
 * saved lazily per tile. `takeUnsaved()` hands the autosaver the changed rectangles, nearby
 * ones merged.
 */
export class AnnotationDoc {
  nextInstanceId: number;
  readonly labels: SparseLabels;
  private readonly history: UndoHistory;
  private readonly listeners = new Set<ChangeListener>();
  private stroke: {
    /** Tile key -> its arrays before the gesture (undefined: the tile was absent). */
    tiles: Map<number, LabelTileArrays | undefined>;
    bounds: Rect | null;
    nextIdBefore: number;
  } | null = null;
  private unsaved: Rect[] = [];
  private blank = true;

  constructor(
    readonly width: number,
    readonly height: number,
    init?: {
      classes?: Uint8Array;
      instances?: Uint16Array;
      nextInstanceId?: number;
      maxHistoryBytes?: number;
    },
  ) {
    this.labels = new SparseLabels(width, height);
    this.history = new UndoHistory(init?.maxHistoryBytes ?? 256 * 1024 * 1024);
    this.nextInstanceId = 1;
    if (init?.classes || init?.instances) {
      this.replaceAll(
        init.classes ?? new Uint8Array(width * height),
        init.instances ?? new Uint16Array(width * height),
        init.nextInstanceId ?? 1,
      );
    } else this.nextInstanceId = init?.nextInstanceId ?? 1;
  }

  /** A copy of the whole class map (small images and tests; refused past 2^24 pixels). */
  get classes(): Uint8Array {
    return this.whole().classes;
  }

  /** A copy of the whole instance map (as `classes`). */
  get instances(): Uint16Array {
    return this.whole().instances;
  }

  /**
   * Replaces every label with saved ones (arrays of width * height), forgetting the history and
   * any unsaved rect; notifies the whole image. Not allowed during a gesture.
   */
  replaceAll(classes: Uint8Array, instances: Uint16Array, nextInstanceId: number): void {
    if (this.stroke) throw new Error('replaceAll during a stroke');
    const n = this.width * this.height;
    if (classes.length !== n || instances.length !== n) {
      throw new Error(`label arrays must hold ${this.width}x${this.height} pixels`);
    }
    this.labels.clear();
    const all = { x: 0, y: 0, w: this.width, h: this.height };
    this.labels.write(all, { classes, instances });
    let maxId = 0;
    for (let i = 0; i < n; i++) if (instances[i] > maxId) maxId = instances[i];
    this.reset(Math.max(nextInstanceId, maxId + 1));
  }

  /**
   * Replaces every label with saved tiles (as the API sends them; absent tiles are zeros),
   * forgetting the history; notifies the whole image. Not allowed during a gesture.
   */
  loadTiles(
    tiles: { tx: number; ty: number; classes: Uint8Array; instances: Uint16Array }[],
    nextInstanceId: number,
  ): void {
    if (this.stroke) throw new Error('loadTiles during a stroke');
    this.labels.clear();
    let maxId = 0;
    for (const { tx, ty, classes, instances } of tiles) {
      if (classes.length !== TILE_SIZE * TILE_SIZE || instances.length !== TILE_SIZE * TILE_SIZE)
        throw new Error(`label tile (${tx}, ${ty}) must hold ${TILE_SIZE}x${TILE_SIZE} pixels`);
      if (tx < 0 || ty < 0 || tx >= this.labels.tilesX || ty >= this.labels.tilesY)
        throw new Error(`label tile (${tx}, ${ty}) lies outside ${this.width}x${this.height}`);
      this.labels.set(tx, ty, { classes, instances });
      for (let i = 0; i < instances.length; i++) if (instances[i] > maxId) maxId = instances[i];
    }
    this.reset(Math.max(nextInstanceId, maxId + 1));
  }

  private reset(nextInstanceId: number): void {
    this.nextInstanceId = nextInstanceId;
    this.blank = this.labels.keys().length === 0;
    this.history.clear();
    this.unsaved = [];
    this.emit({ x: 0, y: 0, w: this.width, h: this.height });
  }

  /** Subscribes to pixel changes; returns the unsubscribe function. */
  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** True while no pixel was ever labelled (lets a fresh overlay skip its first full repaint). */
  get isBlank(): boolean {
    return this.blank;
  }

  get isStroking(): boolean {
    return this.stroke !== null;
  }

  get canUndo(): boolean {
    return this.history.canUndo && !this.stroke;
  }

  get canRedo(): boolean {
    return this.history.canRedo && !this.stroke;
  }

  /** Label at pixel (x, y) (integers inside the image). */
  labelAt(x: number, y: number): LabelValue {
    const tile = this.labels.get(Math.floor(x / TILE_SIZE), Math.floor(y / TILE_SIZE));
    if (!tile) return { classId: 0, instanceId: 0 };
    const i = (y % TILE_SIZE) * TILE_SIZE + (x % TILE_SIZE);
    return { classId: tile.classes[i], instanceId: tile.instances[i] };
  }

  /** Reserves a fresh instance id (only inside a gesture, so undo gives it back). */
  allocateInstanceId(): number {
    if (!this.stroke) throw new Error('allocateInstanceId outside a stroke');
    if (this.nextInstanceId > 0xffff) throw new Error('no free instance id left (max 65535)');
    return this.nextInstanceId++;
  }

  /** Starts a gesture. A gesture still open is committed first. */
  beginStroke(): void {
    if (this.stroke) this.commitStroke();
    this.stroke = { tiles: new Map(), bounds: null, nextIdBefore: this.nextInstanceId };
  }

  /** Sets every pixel of the spans to `value` (inside a gesture). Notifies the changed rect. */
  paintSpans(spans: readonly Span[], value: LabelValue): void {
    const s = this.stroke;
    if (!s) throw new Error('paintSpans outside a stroke');
    let rect: Rect | null = null;
    const erase = value.classId === 0 && value.instanceId === 0;
    for (const { y, x0, x1 } of spans) {
      const ty = Math.floor(y / TILE_SIZE);
      for (let tx = Math.floor(x0 / TILE_SIZE); tx <= Math.floor(x1 / TILE_SIZE); tx++) {
        if (erase && !this.labels.get(tx, ty)) continue; // zeros over zeros
        this.backupTile(tx, ty);
        const tile = this.labels.ensure(tx, ty);
        const row = (y - ty * TILE_SIZE) * TILE_SIZE - tx * TILE_SIZE;
        const start = row + Math.max(x0, tx * TILE_SIZE);
        const end = row + Math.min(x1 + 1, (tx + 1) * TILE_SIZE);
        tile.classes.fill(value.classId, start, end);
        tile.instances.fill(value.instanceId, start, end);
      }
      rect = union(rect, { x: x0, y, w: x1 - x0 + 1, h: 1 });
    }
    if (!rect) return;
    if (!erase) this.blank = false;
    s.bounds = union(s.bounds, rect);
    this.emit(rect);
  }

  /** Ends the gesture as one undo step (nothing recorded if no pixel changed). */
  commitStroke(): void {
    const s = this.stroke;
    if (!s) return;
    this.stroke = null;
    if (!s.bounds) return;
    const bounds = s.bounds;
    const after = this.extract(bounds);
    // The before-values: the current ones, with every backed-up tile's old values over them.
    const before = this.extract(bounds);
    const saved = new SparseLabels(this.width, this.height);
    for (const [key, tile] of s.tiles) {
      const tx = key % this.labels.tilesX;
      const ty = Math.floor(key / this.labels.tilesX);
      saved.set(tx, ty, tile ?? saved.ensure(tx, ty));
      const left = tx * TILE_SIZE;
      const top = ty * TILE_SIZE;
      const part = {
        x: Math.max(bounds.x, left),
        y: Math.max(bounds.y, top),
        w: Math.min(bounds.x + bounds.w, left + TILE_SIZE) - Math.max(bounds.x, left),
        h: Math.min(bounds.y + bounds.h, top + TILE_SIZE) - Math.max(bounds.y, top),
      };
      if (part.w <= 0 || part.h <= 0) continue;
      const old = saved.read(part);
      for (let row = 0; row < part.h; row++) {
        const to = (part.y - bounds.y + row) * bounds.w + (part.x - bounds.x);
        before.classes.set(old.classes.subarray(row * part.w, (row + 1) * part.w), to);
        before.instances.set(old.instances.subarray(row * part.w, (row + 1) * part.w), to);
      }
    }
    let changed = s.nextIdBefore !== this.nextInstanceId;
    for (let i = 0; i < bounds.w * bounds.h && !changed; i++) {
      changed = before.classes[i] !== after.classes[i] || before.instances[i] !== after.instances[i];
    }
    if (!changed) return;
    this.history.push({
      ...bounds,
      beforeClasses: before.classes,
      beforeInstances: before.instances,
      afterClasses: after.classes,
      afterInstances: after.instances,
      nextIdBefore: s.nextIdBefore,
      nextIdAfter: this.nextInstanceId,
    });
    this.markUnsaved(bounds);
  }

  /** Rolls the open gesture back without leaving a redo entry (Escape). */
  abortStroke(): void {
    const s = this.stroke;
    if (!s) return;
    this.stroke = null;
    for (const [key, tile] of s.tiles) {
      this.labels.set(key % this.labels.tilesX, Math.floor(key / this.labels.tilesX), tile);
    }
    this.nextInstanceId = s.nextIdBefore;
    if (s.bounds) this.emit(s.bounds);
  }

  /** Undoes the newest gesture; returns its rect or null when there is nothing to undo. */
  undo(): Rect | null {
    if (this.stroke) this.abortStroke();
    const p = this.history.takeUndo();
    if (!p) return null;
    this.apply(p, p.beforeClasses, p.beforeInstances);
    this.nextInstanceId = p.nextIdBefore;
    return { x: p.x, y: p.y, w: p.w, h: p.h };
  }

  /** Redoes the newest undone gesture; returns its rect or null. */
  redo(): Rect | null {
    if (this.stroke) return null;
    const p = this.history.takeRedo();
    if (!p) return null;
    this.apply(p, p.afterClasses, p.afterInstances);
    this.nextInstanceId = p.nextIdAfter;
    return { x: p.x, y: p.y, w: p.w, h: p.h };
  }

  /** Copies of the class and instance values inside `rect` (row-major). */
  extract(rect: Rect): { classes: Uint8Array; instances: Uint16Array } {
    return this.labels.read(rect);
  }

  /**
   * The next rect to save (changed by committed edits, undo, redo), then forgets it: the
   * changed rects gathered into one while their union stays under MAX_SAVE_AREA, so strokes
   * far apart on a slide are saved as separate small patches. Null when all is saved.
   */
  takeUnsaved(): Rect | null {
    const first = this.unsaved.shift();
    if (!first) return null;
    let rect = first;
    this.unsaved = this.unsaved.filter((r) => {
      const merged = union(rect, r);
      if (merged.w * merged.h > MAX_SAVE_AREA) return true;
      rect = merged;
      return false;
    });
    return rect;
  }

  /** Marks a rect as unsaved (a failed save puts its rect back). */
  markUnsaved(rect: Rect): void {
    this.unsaved.push({ ...rect });
  }

  get hasUnsaved(): boolean {
    return this.unsaved.length > 0;
  }

  private whole(): { classes: Uint8Array; instances: Uint16Array } {
    if (this.width * this.height > MAX_WHOLE_COPY)
      throw new Error(`${this.width}x${this.height} labels are read by rect, not copied whole`);
    return this.labels.read({ x: 0, y: 0, w: this.width, h: this.height });
  }

  private apply(p: RegionPatch, classes: Uint8Array, instances: Uint16Array): void {
    const rect = { x: p.x, y: p.y, w: p.w, h: p.h };
    this.labels.write(rect, { classes, instances });
    this.markUnsaved(rect);
    this.emit(rect);
  }

  /** Keeps the tile's values from before the gesture (once per gesture and tile). */
  private backupTile(tx: number, ty: number): void {
    const tiles = this.stroke!.tiles;
    const key = this.labels.key(tx, ty);
    if (tiles.has(key)) return;
    const tile = this.labels.get(tx, ty);
    tiles.set(key, tile && { classes: tile.classes.slice(), instances: tile.instances.slice() });
  }

  private emit(rect: Rect): void {
    for (const l of this.listeners) l(rect);
  }
}
