import { createRng } from '../augment/index';

/**
 * Seeded split: a Fisher-Yates shuffle of the images, the first round(n * fraction) (at least
 * one when fraction > 0, at most n - 1) for validation. The same seed and images always give
 * the same split, so a resumed run validates on the same images.
 */
export function splitSamples<T>(
  samples: T[],
  fraction: number,
  seed: number,
): { train: T[]; validation: T[] } {
  if (samples.length < 2 || fraction <= 0) return { train: samples, validation: [] };
  const count = Math.min(samples.length - 1, Math.max(1, Math.round(samples.length * fraction)));
  const order = samples.map((_, i) => i);
  const rng = createRng(`${seed}:split`);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const chosen = new Set(order.slice(0, count));
  return {
    train: samples.filter((_, i) => !chosen.has(i)),
    validation: samples.filter((_, i) => chosen.has(i)),
  };
}
