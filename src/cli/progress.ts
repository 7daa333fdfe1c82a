import cliProgress from 'cli-progress';

/**
 * A progress bar on stderr for multi-item CLI work (stdout stays clean for tables and JSON).
 * Silent when stderr is not a terminal unless `force` is set; `stop()` always ends it.
 */
export interface ProgressBar {
  update(done: number, payload?: Record<string, string | number>): void;
  stop(): void;
}

export function createProgressBar(
  total: number,
  opts: { label?: string; format?: string; force?: boolean } = {},
): ProgressBar {
  const enabled = opts.force === true || process.stderr.isTTY === true;
  if (!enabled) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format:
        opts.format ??
        `${opts.label ?? 'progress'} [{bar}] {value}/{total} | {percentage}% | ETA {eta_formatted}`,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return {
    update: (done, payload) => bar.update(done, payload),
    stop: () => bar.stop(),
  };
}
