/** One timed piece of canvas work: its name, start (performance.now(), ms) and duration (ms). */
export interface PerfSample {
  name: string;
  start: number;
  ms: number;
}

/**
 * Off by default; the UI bench switches it on (window.unetPerfProbe.enabled = true) to collect
 * how long pointer handling and label repaints take, so it can sum the app's work per frame.
 */
export const perfProbe: { enabled: boolean; samples: PerfSample[] } = { enabled: false, samples: [] };

/** Runs `fn`, recording its duration under `name` while the probe is enabled. */
export function timed<T>(name: string, fn: () => T): T {
  if (!perfProbe.enabled) return fn();
  const start = performance.now();
  try {
    return fn();
  } finally {
    perfProbe.samples.push({ name, start, ms: performance.now() - start });
  }
}
