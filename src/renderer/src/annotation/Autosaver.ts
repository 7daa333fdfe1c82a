import type { AnnotationPatch, Result } from '../../../shared/api';
import type { ErrorInfo } from '../../../shared/errors';
import type { AnnotationStatus } from '../../../shared/schemas';
import type { AnnotationDoc } from './AnnotationDoc';

/** 'saved': nothing pending; 'pending': edits wait for the debounce; 'saving': a write is in flight. */
export type SaveState = 'saved' | 'pending' | 'saving' | 'error';

export interface AutosaverOptions {
  imageId: string;
  doc: AnnotationDoc;
  save: (imageId: string, patch: AnnotationPatch) => Promise<Result<AnnotationStatus>>;
  /** Debounce after the last edit before writing, ms. */
  delayMs?: number;
  /** Injected clock (tests): defaults to window timers. */
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  onState?: (state: SaveState, detail: { error?: ErrorInfo; status?: AnnotationStatus }) => void;
}

/**
 * Writes an image's edits to disk: after each stroke batch (debounced) the union rect of
 * everything changed since the last write goes out as one `saveAnnotationPatch`. One write at a
 * time; edits during a write are written next. A failed write keeps the rect unsaved and reports
 * 'error' (the next edit or `flush()` retries).
 */
export class Autosaver {
  private state: SaveState = 'saved';
  private timer: unknown = null;
  private inFlight: Promise<void> | null = null;
  private readonly delayMs: number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(private readonly opts: AutosaverOptions) {
    this.delayMs = opts.delayMs ?? 400;
    this.setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = opts.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  }

  get saveState(): SaveState {
    return this.state;
  }

  /** Call after every committed edit, undo or redo. */
  changed(): void {
    if (!this.opts.doc.hasUnsaved) return;
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = this.setTimer(() => {
      this.timer = null;
      void this.flush();
    }, this.delayMs);
    if (this.state !== 'saving' && this.state !== 'pending') this.setState('pending', {});
  }

  /** Writes everything unsaved now (and waits for a write in flight). */
  async flush(): Promise<void> {
    if (this.timer !== null) {
      this.clearTimer(this.timer);
      this.timer = null;
    }
    while (this.inFlight) await this.inFlight;
    const { doc, imageId } = this.opts;
    const rect = doc.takeUnsaved();
    if (!rect) return;
    const write = async () => {
      this.setState('saving', {});
      const { classes, instances } = doc.extract(rect);
      const result = await this.opts.save(imageId, { ...rect, classes, instances });
      if (result.ok) {
        this.setState(doc.hasUnsaved ? 'pending' : 'saved', { status: result.value });
      } else {
        doc.markUnsaved(rect);
        this.setState('error', { error: result.error });
      }
    };
    this.inFlight = write().finally(() => {
      this.inFlight = null;
    });
    await this.inFlight;
    if (this.state === 'pending') this.changed();
  }

  private setState(state: SaveState, detail: { error?: ErrorInfo; status?: AnnotationStatus }): void {
    this.state = state;
    this.opts.onState?.(state, detail);
  }
}
