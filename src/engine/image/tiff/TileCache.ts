/**
 * A least-recently-used cache of decoded tiles, bounded by bytes. Values are promises so that
 * two region reads wanting the same tile at the same time decode it once; a failed decode is
 * dropped so that the next read tries again.
 */
export class TileCache<T extends { byteLength: number }> {
  private readonly entries = new Map<string, { value: Promise<T>; bytes: number }>();
  private bytes = 0;

  constructor(readonly maxBytes: number) {}

  /** The cached tile for `key`, or the result of `load` (then cached). */
  get(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit) {
      // Re-insert: a Map iterates in insertion order, so the first entry is the oldest.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.value;
    }
    const entry = { value: load(), bytes: 0 };
    this.entries.set(key, entry);
    entry.value.then(
      (tile) => {
        if (this.entries.get(key) !== entry) return;
        entry.bytes = tile.byteLength;
        this.bytes += tile.byteLength;
        this.evict();
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return entry.value;
  }

  /** Bytes of the decoded tiles held. */
  get size(): number {
    return this.bytes;
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  private evict(): void {
    for (const [key, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      if (entry.bytes === 0) continue; // still loading
      this.entries.delete(key);
      this.bytes -= entry.bytes;
    }
  }
}
