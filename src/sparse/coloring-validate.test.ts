// The O(nnz) validity checkers against brute force from the definitions, on small random graphs.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { isValidColumnColoring, isValidRowColoring, isValidStarColoring } from "./coloring-validate.js";
import type { SparsityPattern } from "./pattern.js";
import { arbitraryPattern, arbitrarySymmetricPattern } from "./testing/patterns.js";

/** By the definition: no row holds two columns of one colour (every pair of columns checked). */
function bruteColumn(p: SparsityPattern, groups: number[]): boolean {
  const [m, n] = p.shape;
  for (let i = 0; i < m; i++) {
    for (let a = 0; a < n; a++) {
      for (let b = a + 1; b < n; b++) {
        if (p.has(i, a) && p.has(i, b) && groups[a] === groups[b]) return false;
      }
    }
  }
  return true;
}

/** By the definition: adjacent vertices differ, and no path a–b–c–d on four distinct vertices is two-coloured. */
function bruteStar(p: SparsityPattern, groups: number[]): boolean {
  const n = p.shape[0];
  const adj = (u: number, v: number): boolean => u !== v && p.has(u, v);
  for (let u = 0; u < n; u++)
    for (let v = 0; v < n; v++) if (adj(u, v) && groups[u] === groups[v]) return false;
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      if (!adj(a, b)) continue;
      for (let c = 0; c < n; c++) {
        if (c === a || !adj(b, c) || groups[c] !== groups[a]) continue;
        for (let d = 0; d < n; d++) {
          if (d !== a && d !== b && adj(c, d) && groups[d] === groups[b]) return false;
        }
      }
    }
  }
  return true;
}

const groupsFor = (size: number, colors: number): fc.Arbitrary<number[]> =>
  fc.array(fc.integer({ min: 0, max: colors - 1 }), { minLength: size, maxLength: size });

test("property: the column and row checkers agree with brute force on arbitrary colourings", () => {
  fc.assert(
    fc.property(
      arbitraryPattern(10, 30).chain((p) =>
        fc.tuple(fc.constant(p), groupsFor(p.shape[1], 4), groupsFor(p.shape[0], 4)),
      ),
      ([p, columnGroups, rowGroups]) => {
        assert.equal(isValidColumnColoring(p, columnGroups), bruteColumn(p, columnGroups));
        assert.equal(isValidRowColoring(p, rowGroups), bruteColumn(p.transpose(), rowGroups));
      },
    ),
    { numRuns: 500 },
  );
});

test("property: the star checker agrees with brute force on arbitrary colourings", () => {
  fc.assert(
    fc.property(
      arbitrarySymmetricPattern(9, 20).chain((p) => fc.tuple(fc.constant(p), groupsFor(p.shape[0], 4))),
      ([p, groups]) => {
        assert.equal(isValidStarColoring(p, groups), bruteStar(p, groups));
      },
    ),
    { numRuns: 1000 },
  );
});
