import { type FileHandle, open, readFile } from 'node:fs/promises';
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { type TrainingEvent, trainingEventSchema } from '../../shared/jobs';
import { fsError } from '../fsutil/atomicWrite';

/**
 * One line of outDir/run.jsonl: a job event as it was emitted, a `step` line with the loss of a
 * step whose progress event was throttled away (so the log holds every step's loss), or a
 * `resume` marker written when a run continues from a checkpoint (steps after it replace what
 * the log held past that step).
 */
export type RunLogLine =
  | TrainingEvent
  | { kind: 'step'; step: number; loss: number }
  | { kind: 'resume'; step: number; at: string };

/** Schema of one run-log line (loose: fields added by later versions still read). */
const runLogLineSchema: z.ZodType<RunLogLine> = z.union([
  trainingEventSchema,
  z.looseObject({ kind: z.literal('step'), step: z.number(), loss: z.number() }),
  z.looseObject({ kind: z.literal('resume'), step: z.number(), at: z.string() }),
]);

/** One point of the loss curve (step counter, loss). */
export interface LossPoint {
  step: number;
  loss: number;
}

/**
 * Appends JSON lines to a run log. Lines are written in order (a promise chain), `sync()` fsyncs
 * them (called at checkpoints), `close()` syncs and closes. If the file ends in a torn line (a
 * kill in the middle of a write), `open` cuts it off first so the next line starts clean.
 */
export class RunLogWriter {
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown;

  private constructor(
    private readonly handle: FileHandle,
    readonly path: string,
    /** True when the log already held lines from an earlier session (a resume or a restart). */
    readonly hadLines: boolean,
  ) {}

  /** Opens (creating) the log for appending; repairs a torn final line. */
  static async open(path: string): Promise<RunLogWriter> {
    let handle: FileHandle;
    let hadLines = false;
    try {
      handle = await open(path, 'a+');
      const { size } = await handle.stat();
      if (size > 0) await cutTornTail(handle, size);
      hadLines = (await handle.stat()).size > 0;
    } catch (error) {
      throw fsError(error, path);
    }
    return new RunLogWriter(handle, path, hadLines);
  }

  /** Queues one line; errors surface on the next `sync`/`close`. */
  append(line: RunLogLine): void {
    const text = `${JSON.stringify(line)}\n`;
    this.chain = this.chain.then(async () => {
      try {
        await this.handle.appendFile(text);
      } catch (error) {
        this.failure ??= fsError(error, this.path);
      }
    });
  }

  /** Waits for queued lines and fsyncs the file. */
  async sync(): Promise<void> {
    await this.chain;
    if (this.failure !== undefined) throw this.failure;
    try {
      await this.handle.sync();
    } catch (error) {
      throw fsError(error, this.path);
    }
  }

  async close(): Promise<void> {
    try {
      await this.sync();
    } finally {
      await this.handle.close();
    }
  }
}

/** Truncates the file after its last newline (a line is never longer than the 64 KiB looked at). */
async function cutTornTail(handle: FileHandle, size: number): Promise<void> {
  const length = Math.min(size, 65536);
  const tail = Buffer.alloc(length);
  await handle.read(tail, 0, length, size - length);
  if (tail[length - 1] === 0x0a) return;
  const lastNewline = tail.lastIndexOf(0x0a);
  await handle.truncate(lastNewline < 0 ? size - length : size - length + lastNewline + 1);
}

/**
 * Reads a run log. A final line without its newline that does not parse (torn by a kill) is
 * skipped; a bad line anywhere else is corruption and throws 'corrupt_file' naming the line.
 */
export async function readRunLog(path: string): Promise<RunLogLine[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw fsError(error, path);
  }
  return parseRunLog(text, path);
}

/** Parses run-log text (see readRunLog). */
export function parseRunLog(text: string, path = 'run.jsonl'): RunLogLine[] {
  const lines = text.split('\n');
  const complete = text.endsWith('\n');
  const out: RunLogLine[] = [];
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    if (raw.trim() === '') continue;
    const isLast = i === lines.length - 1;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      if (isLast && !complete) break; // torn final line
      throw new AppError('corrupt_file', `${path}: line ${i + 1} is not a JSON event`);
    }
    const parsed = runLogLineSchema.safeParse(value);
    if (!parsed.success) {
      if (isLast && !complete) break;
      throw new AppError(
        'corrupt_file',
        `${path}: line ${i + 1} is not a JSON event`,
        parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '),
      );
    }
    out.push(parsed.data);
  }
  return out;
}

/**
 * The loss curve of a log, following resumes: a `resume` marker at step N drops the points past
 * N that the interrupted run logged after its last checkpoint, so steps increase strictly.
 */
export function lossCurve(lines: RunLogLine[]): LossPoint[] {
  const points: LossPoint[] = [];
  for (const line of lines) {
    if (line.kind === 'resume') {
      while (points.length > 0 && points[points.length - 1].step > line.step) points.pop();
    } else if ((line.kind === 'progress' || line.kind === 'step') && line.loss !== undefined) {
      points.push({ step: line.step, loss: line.loss });
    }
  }
  return points;
}
