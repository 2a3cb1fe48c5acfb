// Test helpers: patterns of known structure, seeded random patterns and matrices, dense references.
import fc from "fast-check";
import { SparsityPattern } from "../pattern.js";

/** The n × n band with `lower` subdiagonals and `upper` superdiagonals (tridiagonal: 1, 1). */
export function bandedPattern(n: number, lower: number, upper: number): SparsityPattern {
  const rows: number[] = [];
  const cols: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = Math.max(0, i - lower); j <= Math.min(n - 1, i + upper); j++) {
      rows.push(i);
      cols.push(j);
    }
  }
  return SparsityPattern.fromEntries(n, n, rows, cols);
}

/** `blocks` dense square blocks of side `size` on the diagonal (a batch of independent problems). */
export function blockDiagonalPattern(blocks: number, size: number): SparsityPattern {
  const rows: number[] = [];
  const cols: number[] = [];
  for (let b = 0; b < blocks; b++) {
    for (let i = 0; i < size; i++) {
      for (let j = 0; j < size; j++) {
        rows.push(b * size + i);
        cols.push(b * size + j);
      }
    }
  }
  return SparsityPattern.fromEntries(blocks * size, blocks * size, rows, cols);
}

/** The n × n arrowhead: the diagonal plus the first `width` rows and columns, dense. */
export function arrowheadPattern(n: number, width = 1): SparsityPattern {
  const rows: number[] = [];
  const cols: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j || i < width || j < width) {
        rows.push(i);
        cols.push(j);
      }
    }
  }
  return SparsityPattern.fromEntries(n, n, rows, cols);
}

/** Seeded uniform numbers in [0, 1) (a 32-bit linear congruential generator). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** An m × n pattern with each entry nonzero with probability `density`, from a seed. */
export function randomPattern(m: number, n: number, density: number, seed: number): SparsityPattern {
  const draw = lcg(seed);
  const rows: number[] = [];
  const cols: number[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      if (draw() < density) {
        rows.push(i);
        cols.push(j);
      }
    }
  }
  return SparsityPattern.fromEntries(m, n, rows, cols);
}

/** A symmetric n × n pattern: a random pattern united with its transpose, optionally with the diagonal. */
export function randomSymmetricPattern(
  n: number,
  density: number,
  seed: number,
  diagonal = true,
): SparsityPattern {
  const p = randomPattern(n, n, density / 2, seed);
  const sym = p.union(p.transpose());
  return diagonal ? sym.union(SparsityPattern.diagonal(n)) : sym;
}

/** Fast-check arbitrary of COO patterns: shape, then up to `maxEntries` entries inside it (repeats allowed). */
export function arbitraryPattern(maxSide = 24, maxEntries = 120): fc.Arbitrary<SparsityPattern> {
  return fc
    .record({ m: fc.integer({ min: 1, max: maxSide }), n: fc.integer({ min: 1, max: maxSide }) })
    .chain(({ m, n }) =>
      fc
        .array(fc.tuple(fc.integer({ min: 0, max: m - 1 }), fc.integer({ min: 0, max: n - 1 })), {
          maxLength: maxEntries,
        })
        .map((entries) =>
          SparsityPattern.fromEntries(
            m,
            n,
            entries.map((e) => e[0]),
            entries.map((e) => e[1]),
          ),
        ),
    );
}

/** Fast-check arbitrary of symmetric square patterns (entries mirrored, diagonal entries optional). */
export function arbitrarySymmetricPattern(maxSide = 24, maxEntries = 80): fc.Arbitrary<SparsityPattern> {
  return fc.integer({ min: 1, max: maxSide }).chain((n) =>
    fc
      .array(fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: n - 1 })), {
        maxLength: maxEntries,
      })
      .map((entries) =>
        SparsityPattern.fromEntries(
          n,
          n,
          entries.flatMap((e) => [e[0], e[1]]),
          entries.flatMap((e) => [e[1], e[0]]),
        ),
      ),
  );
}

/** Random values for the nonzeros of `pattern`, none of them zero, from a seed. */
export function randomValues(pattern: SparsityPattern, seed: number): Float64Array {
  const draw = lcg(seed);
  return Float64Array.from({ length: pattern.nnz }, () => (draw() < 0.5 ? -1 : 1) * (0.5 + draw()));
}

/** Values for a symmetric pattern with v(i, j) = v(j, i): random, from a seed. */
export function randomSymmetricValues(pattern: SparsityPattern, seed: number): Float64Array {
  const values = randomValues(pattern, seed);
  const rows = pattern.rowIndices();
  for (let k = 0; k < pattern.nnz; k++) {
    const [i, j] = [rows[k], pattern.colIdx[k]];
    if (j < i) values[k] = values[pattern.indexOf(j, i)];
  }
  return values;
}

/** The dense row-major m × n matrix with `values` on `pattern` and zeros elsewhere. */
export function denseOf(pattern: SparsityPattern, values: Float64Array): Float64Array {
  const [m, n] = pattern.shape;
  const out = new Float64Array(m * n);
  const rows = pattern.rowIndices();
  for (let k = 0; k < pattern.nnz; k++) out[rows[k] * n + pattern.colIdx[k]] = values[k];
  return out;
}

/** The set of nonzeros as "i,j" strings, a reference for pattern operations. */
export function entrySet(pattern: SparsityPattern): Set<string> {
  const rows = pattern.rowIndices();
  return new Set(Array.from(pattern.colIdx, (j, k) => `${rows[k]},${j}`));
}
