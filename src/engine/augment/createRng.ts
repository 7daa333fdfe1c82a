import seedrandom from 'seedrandom';
import { AppError } from '../../shared/errors';

/** A seeded random source whose position can be saved and restored (training checkpoints). */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal N(0, 1) (Box-Muller; consumes exactly two uniforms per call). */
  normal(): number;
  /** JSON-serialisable snapshot; `createRng(seed, snapshot)` continues the same sequence. */
  state(): unknown;
}

type Arc4State = seedrandom.State.Arc4;

function isArc4State(value: unknown): value is Arc4State {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.i === 'number' &&
    typeof v.j === 'number' &&
    Array.isArray(v.S) &&
    v.S.length === 256 &&
    v.S.every((x) => Number.isInteger(x) && x >= 0 && x < 256)
  );
}

/**
 * A reproducible RNG (seedrandom ARC4). With `state` (from a previous `rng.state()`, possibly
 * after a JSON round trip) the sequence resumes exactly where it was saved and `seed` is ignored.
 * No spare normal is cached between calls, so the uniform stream is the whole state.
 */
export function createRng(seed: number | string, state?: unknown): Rng {
  if (state !== undefined && !isArc4State(state)) {
    throw new AppError('invalid_argument', 'rng state is not a saved seedrandom ARC4 state');
  }
  const prng = seedrandom(String(seed), { state: state === undefined ? true : state });
  return {
    next: () => prng(),
    normal: () => {
      // Box-Muller; 1 - u keeps the log argument in (0, 1].
      const u = 1 - prng();
      const v = prng();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    state: () => {
      const s = prng.state();
      return { i: s.i, j: s.j, S: Array.from(s.S) };
    },
  };
}
