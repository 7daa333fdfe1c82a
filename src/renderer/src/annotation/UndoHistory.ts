/** A rectangle in image pixels: x, y of the top-left pixel, w, h in pixels. */
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * One gesture's change to a rectangle of the label image: the class and instance values before
 * and after, row-major w x h, plus the document's next instance id before and after.
 */
export interface RegionPatch extends Rect {
  beforeClasses: Uint8Array;
  beforeInstances: Uint16Array;
  afterClasses: Uint8Array;
  afterInstances: Uint16Array;
  nextIdBefore: number;
  nextIdAfter: number;
}

/** Bytes held by a patch (the cap counts these). */
export function patchBytes(p: RegionPatch): number {
  return p.beforeClasses.byteLength * 2 + p.beforeInstances.byteLength * 2;
}

/**
 * Undo and redo stacks of region patches, capped by bytes: when pushing goes over `maxBytes`
 * the oldest undo entries are dropped (the newest entry is always kept). A new edit clears redo.
 */
export class UndoHistory {
  private readonly undoStack: RegionPatch[] = [];
  private readonly redoStack: RegionPatch[] = [];
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** Records a new gesture; clears the redo stack. */
  push(patch: RegionPatch): void {
    for (const p of this.redoStack) this.bytes -= patchBytes(p);
    this.redoStack.length = 0;
    this.undoStack.push(patch);
    this.bytes += patchBytes(patch);
    while (this.bytes > this.maxBytes && this.undoStack.length > 1) {
      this.bytes -= patchBytes(this.undoStack.shift()!);
    }
  }

  /** Pops the newest gesture to undo (moved onto the redo stack), or null. */
  takeUndo(): RegionPatch | null {
    const p = this.undoStack.pop();
    if (!p) return null;
    this.redoStack.push(p);
    return p;
  }

  /** Pops the newest undone gesture to redo (moved back onto the undo stack), or null. */
  takeRedo(): RegionPatch | null {
    const p = this.redoStack.pop();
    if (!p) return null;
    this.undoStack.push(p);
    return p;
  }

  /** Forgets every step (the document was replaced). */
  clear(): void {
    this.undoStack.length = 0;
    this.redoStack.length = 0;
    this.bytes = 0;
  }

  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }

  get canRedo(): boolean {
    return this.redoStack.length > 0;
  }

  get undoDepth(): number {
    return this.undoStack.length;
  }

  get byteSize(): number {
    return this.bytes;
  }
}
