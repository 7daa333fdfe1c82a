import type { ImageDisplay } from '../../../shared/schemas';

/**
 * Display settings of the images shown in this session, and their saving: each change is kept
 * here at once (so switching images straight away keeps it) and saved for its image once
 * changes rest for `delayMs` (a slider drag saves once). Saves of different images never
 * cancel each other.
 */
export class DisplayMemory {
  private readonly displays = new Map<string, ImageDisplay>();
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly save: (imageId: string, display: ImageDisplay) => void,
    private readonly delayMs = 400,
  ) {}

  /** The settings last set for an image in this session, if any. */
  get(imageId: string): ImageDisplay | undefined {
    return this.displays.get(imageId);
  }

  set(imageId: string, display: ImageDisplay): void {
    this.displays.set(imageId, display);
    clearTimeout(this.pending.get(imageId));
    this.pending.set(
      imageId,
      setTimeout(() => {
        this.pending.delete(imageId);
        this.save(imageId, display);
      }, this.delayMs),
    );
  }

  /** Forgets everything (another project); saves still pending are dropped. */
  clear(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
    this.displays.clear();
  }
}
