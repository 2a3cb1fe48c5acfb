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
