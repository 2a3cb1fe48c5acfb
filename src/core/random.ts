// Seeded pseudo-random numbers, shared by the random constructors (rand, randn) and the test helpers.

/**
 * Uniform numbers in [0, 1) from mulberry32, a small, fast 32-bit generator: the same seed gives the same
 * stream, for reproducible random tensors and test inputs.
 */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// The seed of each unseeded draw (rand, randn without `seed`) comes from this one stream.
let unseededState = 0x9e3779b9;

/** The seed for the next unseeded draw: one step of a 32-bit LCG. */
export function nextUnseededSeed(): number {
  unseededState = (Math.imul(unseededState, 1664525) + 1013904223) >>> 0;
  return unseededState;
}

/**
 * Runs `fn` with the unseeded stream started at `state` (from {@link nextUnseededSeed}) and gives the
 * stream back as it was: every run of fn with the same state draws the same numbers, which is how
 * checkpoint's recomputation sees the random values of the forward pass (torch's preserved RNG state).
 */
export function withUnseededState<T>(state: number, fn: () => T): T {
  const outer = unseededState;
  unseededState = state;
  try {
    return fn();
  } finally {
    unseededState = outer;
  }
}
