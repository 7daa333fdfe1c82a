import { expect } from 'vitest';
import type { CliRun } from '../../support/cli';

/** Runs `tasks` with at most `limit` at a time (the machine has 2 cores), keeping order. */
export async function inBatches<T>(tasks: (() => Promise<T>)[], limit = 3): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/**
 * Expects a failed run: a non-zero exit and stderr starting with the CLI's one error line.
 * AppErrors print `error (code): message` and nothing else; argument errors found by the
 * parser print `error: message` (commander), which for an unknown command may be followed by
 * the command list. `code` null accepts either form; `names` must all appear in that line
 * (the file or argument at fault). Never a stack trace.
 */
export function expectCliError(run: CliRun, code: string | null, names: string[]): string {
  const lines = run.stderr.split('\n').filter((line) => line.trim() !== '');
  expect(run.code, `exit code; stderr: ${run.stderr}`).not.toBe(0);
  expect(run.code).not.toBeNull();
  expect(lines.length, `stderr: ${run.stderr}`).toBeGreaterThan(0);
  const [line] = lines;
  if (code === null) {
    expect(line).toMatch(/^error( \([a-z_]+\))?: /);
    // Usage errors exit 2, expected failures (AppError) exit 1.
    expect(run.code, `exit code of a usage error; stderr: ${run.stderr}`).toBe(2);
  } else {
    expect(run.code).toBe(1);
    expect(line.startsWith(`error (${code}): `), line).toBe(true);
    expect(lines, `stderr: ${run.stderr}`).toHaveLength(1);
  }
  for (const name of names) expect(line).toContain(name);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  return line;
}
