// Helpers shared by the benches: medians, percentiles, aligned tables and JSON results under
// bench/results/.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root. */
export const benchRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Median of a non-empty list (mean of the middle two for even lengths). */
export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The p-th percentile (nearest rank) of a non-empty list. */
export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

/** Largest |a[i] - b[i]| over two arrays of one length. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

export type Cell = string | number | null | undefined;

/** Formats a number for a table: integers as-is, others with `digits` significant decimals. */
export function formatNumber(value: number, digits = 2): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(digits);
}

/** Prints rows as a Markdown table (pasteable into notes); columns default to the first row's keys. */
export function printTable(rows: Record<string, Cell>[], columns?: string[]): void {
  const cols = columns ?? Object.keys(rows[0] ?? {});
  const text = (cell: Cell): string =>
    cell === null || cell === undefined ? '-' : typeof cell === 'number' ? formatNumber(cell) : cell;
  const cells = rows.map((row) => cols.map((c) => text(row[c])));
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const line = (parts: string[]) => `| ${parts.map((p, i) => p.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(cols));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of cells) console.log(line(row));
}

/** Writes bench/results/NAME.json (pretty-printed) with the machine and time; returns the path. */
export function writeResults(name: string, data: unknown): string {
  const path = join(benchRoot, 'bench', 'results', `${name}.json`);
  mkdirSync(dirname(path), { recursive: true });
  const payload = { bench: name, date: new Date().toISOString(), node: process.version, data };
  writeFileSync(path, `${JSON.stringify(payload, null, 2)}\n`);
  return path;
}

/**
 * Environment for Debian's PyTorch: OpenBLAS pinned to its SkylakeX kernels where the CPU has
 * AVX-512 (they crash with an illegal instruction elsewhere); OPENBLAS_CORETYPE given by the
 * caller wins.
 */
export function torchEnv(): NodeJS.ProcessEnv {
  if (process.env.OPENBLAS_CORETYPE !== undefined) return process.env;
  let avx512 = false;
  try {
    avx512 = /\bavx512f\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    avx512 = false; // not Linux: let OpenBLAS choose
  }
  return avx512 ? { ...process.env, OPENBLAS_CORETYPE: 'SkylakeX' } : process.env;
}
