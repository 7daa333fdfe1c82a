import type { Span } from './raster';
import { type Rect, type RegionPatch, UndoHistory } from './UndoHistory';

/** Classes: 0 = unlabelled, 1 = background, 2 = cell, ... Instances: 0 = none. */
export interface LabelValue {
  classId: number;
  instanceId: number;
}

/** Called with the rectangle of pixels that changed (during a stroke, on undo/redo, on load). */
export type ChangeListener = (rect: Rect) => void;

const TILE = 64;

function union(a: Rect | null, b: Rect): Rect {
  if (!a) return { ...b };
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, w: Math.max(a.x + a.w, b.x + b.w) - x, h: Math.max(a.y + a.h, b.y + b.h) - y };
}

/**
 * The label image of one image, outside React: a class map and an instance map (row-major,
 * width x height) plus the next free instance id. Edits happen inside a gesture
 * (beginStroke -> paintSpans... -> commitStroke | abortStroke); each committed gesture is one undo
 * step holding only the changed rectangle. Before-values are saved lazily per 64x64 tile, so a
 * stroke costs memory in proportion to the area it touches. `takeUnsaved()` hands the union of
 * changed rectangles since the last call to the autosaver.
 */
export class AnnotationDoc {
  readonly classes: Uint8Array;
  readonly instances: Uint16Array;
  nextInstanceId: number;
  private readonly history: UndoHistory;
  private readonly listeners = new Set<ChangeListener>();
  private readonly tilesX: number;
  private stroke: {
    tiles: Map<number, { classes: Uint8Array; instances: Uint16Array }>;
    bounds: Rect | null;
    nextIdBefore: number;
  } | null = null;
  private unsaved: Rect | null = null;
  private blank: boolean;

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
    const n = width * height;
    this.classes = init?.classes ?? new Uint8Array(n);
    this.instances = init?.instances ?? new Uint16Array(n);
    if (this.classes.length !== n || this.instances.length !== n) {
      throw new Error(`label arrays must hold ${width}x${height} pixels`);
    }
    let maxId = 0;
    if (init?.instances) for (let i = 0; i < n; i++) if (this.instances[i] > maxId) maxId = this.instances[i];
    this.nextInstanceId = Math.max(init?.nextInstanceId ?? 1, maxId + 1);
    this.blank = !init?.classes || !this.classes.some((v) => v !== 0);
    this.history = new UndoHistory(init?.maxHistoryBytes ?? 256 * 1024 * 1024);
    this.tilesX = Math.ceil(width / TILE);
  }

  /**
   * Replaces every label with saved ones (arrays of width * height), forgetting the history and
   * any unsaved rect; notifies the whole image. Not allowed during a gesture.
   */
  replaceAll(classes: Uint8Array, instances: Uint16Array, nextInstanceId: number): void {
    if (this.stroke) throw new Error('replaceAll during a stroke');
    if (classes.length !== this.classes.length || instances.length !== this.instances.length) {
      throw new Error(`label arrays must hold ${this.width}x${this.height} pixels`);
    }
    this.classes.set(classes);
    this.instances.set(instances);
    let maxId = 0;
    let labelled = false;
    for (let i = 0; i < instances.length; i++) {
      if (instances[i] > maxId) maxId = instances[i];
      if (classes[i] !== 0) labelled = true;
    }
    this.nextInstanceId = Math.max(nextInstanceId, maxId + 1);
    this.blank = !labelled;
    this.history.clear();
    this.unsaved = null;
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
    const i = y * this.width + x;
    return { classId: this.classes[i], instanceId: this.instances[i] };
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
    for (const { y, x0, x1 } of spans) {
      for (let tx = Math.floor(x0 / TILE); tx <= Math.floor(x1 / TILE); tx++) this.backupTile(tx, y);
      const start = y * this.width + x0;
      const end = y * this.width + x1 + 1;
      this.classes.fill(value.classId, start, end);
      this.instances.fill(value.instanceId, start, end);
      rect = union(rect, { x: x0, y, w: x1 - x0 + 1, h: 1 });
    }
    if (!rect) return;
    this.blank = false;
    s.bounds = union(s.bounds, rect);
    this.emit(rect);
  }

  /** Ends the gesture as one undo step (nothing recorded if no pixel changed). */
  commitStroke(): void {
    const s = this.stroke;
    if (!s) return;
    this.stroke = null;
    if (!s.bounds) return;
    const { x, y, w, h } = s.bounds;
    const beforeClasses = new Uint8Array(w * h);
    const beforeInstances = new Uint16Array(w * h);
    // Tiles inside the bounds that no span touched are unchanged: their current values are "before".
    for (let row = 0; row < h; row++) {
      const iy = y + row;
      for (let col = 0; col < w; col++) {
        const ix = x + col;
        const tile = s.tiles.get(Math.floor(iy / TILE) * this.tilesX + Math.floor(ix / TILE));
        const t = (iy % TILE) * TILE + (ix % TILE);
        const i = iy * this.width + ix;
        beforeClasses[row * w + col] = tile ? tile.classes[t] : this.classes[i];
        beforeInstances[row * w + col] = tile ? tile.instances[t] : this.instances[i];
      }
    }
    const after = this.extract(s.bounds);
    let changed = s.nextIdBefore !== this.nextInstanceId;
    for (let i = 0; i < w * h && !changed; i++) {
      changed = beforeClasses[i] !== after.classes[i] || beforeInstances[i] !== after.instances[i];
    }
    if (!changed) return;
    this.history.push({
      ...s.bounds,
      beforeClasses,
      beforeInstances,
      afterClasses: after.classes,
      afterInstances: after.instances,
      nextIdBefore: s.nextIdBefore,
      nextIdAfter: this.nextInstanceId,
    });
    this.unsaved = union(this.unsaved, s.bounds);
  }

  /** Rolls the open gesture back without leaving a redo entry (Escape). */
  abortStroke(): void {
    const s = this.stroke;
    if (!s) return;
    this.stroke = null;
    for (const [key, tile] of s.tiles) {
      const tx = key % this.tilesX;
      const ty = Math.floor(key / this.tilesX);
      this.copyTile(tx, ty, tile, false);
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
    const classes = new Uint8Array(rect.w * rect.h);
    const instances = new Uint16Array(rect.w * rect.h);
    for (let row = 0; row < rect.h; row++) {
      const start = (rect.y + row) * this.width + rect.x;
      classes.set(this.classes.subarray(start, start + rect.w), row * rect.w);
      instances.set(this.instances.subarray(start, start + rect.w), row * rect.w);
    }
    return { classes, instances };
  }

  /** The union of rects changed since the last call (committed edits, undo, redo), then forgets it. */
  takeUnsaved(): Rect | null {
    const r = this.unsaved;
    this.unsaved = null;
    return r;
  }

  /** Marks a rect as unsaved again (a failed save). */
  markUnsaved(rect: Rect): void {
    this.unsaved = union(this.unsaved, rect);
  }

  get hasUnsaved(): boolean {
    return this.unsaved !== null;
  }

  private apply(p: RegionPatch, classes: Uint8Array, instances: Uint16Array): void {
    for (let row = 0; row < p.h; row++) {
      const start = (p.y + row) * this.width + p.x;
      this.classes.set(classes.subarray(row * p.w, (row + 1) * p.w), start);
      this.instances.set(instances.subarray(row * p.w, (row + 1) * p.w), start);
    }
    const rect = { x: p.x, y: p.y, w: p.w, h: p.h };
    this.unsaved = union(this.unsaved, rect);
    this.emit(rect);
  }

  private backupTile(tx: number, y: number): void {
    const ty = Math.floor(y / TILE);
    const key = ty * this.tilesX + tx;
    const tiles = this.stroke!.tiles;
    if (tiles.has(key)) return;
    const tile = { classes: new Uint8Array(TILE * TILE), instances: new Uint16Array(TILE * TILE) };
    this.copyTile(tx, ty, tile, true);
    tiles.set(key, tile);
  }

  /** Copies a tile between the document and a backup (toBackup = document -> backup). */
  private copyTile(
    tx: number,
    ty: number,
    tile: { classes: Uint8Array; instances: Uint16Array },
    toBackup: boolean,
  ): void {
    const x0 = tx * TILE;
    const w = Math.min(TILE, this.width - x0);
    for (let row = 0; row < TILE && ty * TILE + row < this.height; row++) {
      const start = (ty * TILE + row) * this.width + x0;
      if (toBackup) {
        tile.classes.set(this.classes.subarray(start, start + w), row * TILE);
        tile.instances.set(this.instances.subarray(start, start + w), row * TILE);
      } else {
        this.classes.set(tile.classes.subarray(row * TILE, row * TILE + w), start);
        this.instances.set(tile.instances.subarray(row * TILE, row * TILE + w), start);
      }
    }
  }

  private emit(rect: Rect): void {
    for (const l of this.listeners) l(rect);
  }
}
