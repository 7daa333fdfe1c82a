import { open } from 'node:fs/promises';
import { fsError, parseRunLog, type RunLogLine } from '../../engine/index';
import { AppError } from '../../shared/errors';

interface Entry {
  /** Bytes of the file parsed so far (whole lines only). */
  offset: number;
  lines: RunLogLine[];
}

/**
 * Reads run.jsonl files incrementally: a ten-hour run logs a line every ~150 ms, and the UI asks
 * for runs at every checkpoint and validation, so only the bytes appended since the last read
 * are parsed. A file that shrank (a resume cuts a torn last line) is read again from the start.
 * A missing file reads as no lines.
 */
export class RunLogCache {
  private readonly entries = new Map<string, Entry>();

  async read(path: string): Promise<RunLogLine[]> {
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw fsError(error, path);
    }
    try {
      const { size } = await handle.stat();
      let entry = this.entries.get(path);
      if (entry === undefined || size < entry.offset) entry = { offset: 0, lines: [] };
      if (size > entry.offset) {
        const chunk = Buffer.alloc(size - entry.offset);
        await handle.read(chunk, 0, chunk.length, entry.offset);
        const end = chunk.lastIndexOf(0x0a);
        if (end >= 0) {
          const text = chunk.subarray(0, end + 1).toString('utf8');
          entry = { offset: entry.offset + end + 1, lines: [...entry.lines, ...parseRunLog(text, path)] };
        }
      }
      this.entries.set(path, entry);
      return entry.lines;
    } catch (error) {
      throw error instanceof AppError ? error : fsError(error, path);
    } finally {
      await handle.close();
    }
  }
}
