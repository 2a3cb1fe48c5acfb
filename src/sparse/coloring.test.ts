// Tests of coloring(): validity for every kind and ordering on structured and random patterns, options, errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { coloring, DEFAULT_ORDERING, type ColoringKind, type Ordering } from "./coloring.js";
import { VERTEX_ORDERINGS } from "./coloring-orderings.js";
import { columnColoringViolation, rowColoringViolation, starColoringViolation } from "./coloring-validate.js";
import { SparsityPattern } from "./pattern.js";
import { ArgumentError, ShapeError } from "../errors.js";
import {
  arbitraryPattern,
  arbitrarySymmetricPattern,
  arrowheadPattern,
  bandedPattern,
  blockDiagonalPattern,
  randomPattern,
  randomSymmetricPattern,
} from "./testing/patterns.js";

const ALL_ORDERINGS: readonly Ordering[] = [...VERTEX_ORDERINGS, "best"];

function violation(p: SparsityPattern, kind: ColoringKind, groups: Int32Array): string | null {
  if (kind === "column") return columnColoringViolation(p, groups);
  if (kind === "row") return rowColoringViolation(p, groups);
  return starColoringViolation(p, groups);
}

/** Colours p and checks the result against the definition, returning the colour count. */
function checked(p: SparsityPattern, kind: ColoringKind, ordering: Ordering): number {
  const c = coloring(p, { kind, ordering });
  const label = `${kind} ${ordering} on ${String(p)}`;
  assert.equal(violation(p, kind, c.groups), null, label);
  assert.equal(c.groups.length, kind === "row" ? p.shape[0] : p.shape[1]);
  assert.equal(c.colors, c.groups.length === 0 ? 0 : Math.max(...c.groups) + 1, label);
  for (let color = 0; color < c.colors; color++)
    assert.ok(c.members(color).length > 0, `${label}: colour ${color} unused`);
  assert.equal(c.kind, kind);
  assert.ok(ordering === "best" ? VERTEX_ORDERINGS.includes(c.ordering) : c.ordering === ordering);
  return c.colors;
}

test("greedy column and row colourings of structured patterns are valid, with the expected counts", () => {
  for (const ordering of ALL_ORDERINGS) {
    const exact = ordering === "natural" || ordering === "best";
    // A band of width w needs w colours (a row holds w columns); natural order reaches it.
    const band = checked(bandedPattern(40, 2, 2), "column", ordering);
    assert.ok(exact ? band === 5 : band >= 5 && band <= 9, `${ordering}: ${band}`);
    const tri = checked(bandedPattern(40, 1, 1), "row", ordering);
    assert.ok(exact ? tri === 3 : tri >= 3 && tri <= 5, `${ordering}: ${tri}`);
    // Independent blocks colour in parallel: as many colours as one block has columns.
    assert.equal(checked(blockDiagonalPattern(10, 4), "column", ordering), 4, ordering);
    // The arrowhead's dense first row makes every column conflict: n colours by columns; by rows,
    // the dense first row against all the others, which only share column 0 with it.
    assert.equal(checked(arrowheadPattern(30), "column", ordering), 30, ordering);
    assert.equal(checked(arrowheadPattern(30), "row", ordering), 30, ordering);
    assert.equal(checked(SparsityPattern.diagonal(12), "column", ordering), 1, ordering);
    assert.equal(checked(SparsityPattern.empty(3, 5), "column", ordering), 1, ordering);
    assert.equal(checked(SparsityPattern.empty(0, 0), "column", ordering), 0, ordering);
    checked(randomPattern(60, 50, 0.08, 3), "column", ordering);
    checked(randomPattern(60, 50, 0.08, 3), "row", ordering);
  }
});

test("star colourings of structured symmetric patterns are valid, with the expected counts", () => {
  for (const ordering of ALL_ORDERINGS) {
    // A path needs 3 star colours (2 would make a two-coloured path on four vertices).
    assert.equal(checked(bandedPattern(30, 1, 1), "star", ordering), 3, ordering);
    // The arrowhead is a star: its hub and all the leaves, 2 colours.
    assert.equal(checked(arrowheadPattern(30), "star", ordering), 2, ordering);
    assert.equal(checked(blockDiagonalPattern(6, 3), "star", ordering), 3, ordering);
    assert.equal(checked(SparsityPattern.diagonal(9), "star", ordering), 1, ordering);
    checked(bandedPattern(50, 3, 3), "star", ordering);
    checked(randomSymmetricPattern(60, 0.1, 5), "star", ordering);
  }
});

test("property: every colouring of a random pattern is valid, for every kind and ordering", () => {
  fc.assert(
    fc.property(arbitraryPattern(), fc.constantFrom(...ALL_ORDERINGS), (p, ordering) => {
      checked(p, "column", ordering);
      checked(p, "row", ordering);
    }),
    { numRuns: 200 },
  );
  fc.assert(
    fc.property(arbitrarySymmetricPattern(), fc.constantFrom(...ALL_ORDERINGS), (p, ordering) => {
      checked(p, "star", ordering);
    }),
    { numRuns: 300 },
  );
});

test('"best" keeps the fewest colours of the orderings it tried, and says which won', () => {
  const p = randomPattern(80, 80, 0.06, 11);
  for (const kind of ["column", "row"] as const) {
    const best = coloring(p, { kind, ordering: "best" });
    assert.deepEqual(
      best.tried.map((t) => t.ordering),
      VERTEX_ORDERINGS,
    );
    for (const t of best.tried) assert.equal(t.colors, coloring(p, { kind, ordering: t.ordering }).colors);
    const fewest = Math.min(...best.tried.map((t) => t.colors));
    assert.equal(best.colors, fewest);
    // Ties go to the first ordering tried with that count.
    assert.equal(best.ordering, best.tried.find((t) => t.colors === fewest)?.ordering);
    assert.deepEqual(best.groups, coloring(p, { kind, ordering: best.ordering }).groups);
  }
  assert.equal(coloring(p, { kind: "column" }).ordering, DEFAULT_ORDERING);
  assert.equal(coloring(p, { kind: "column" }).tried.length, 1);
});

test("colourings are deterministic", () => {
  const p = randomSymmetricPattern(70, 0.1, 9);
  for (const ordering of VERTEX_ORDERINGS) {
    for (const kind of ["column", "row", "star"] as const) {
      assert.deepEqual(coloring(p, { kind, ordering }).groups, coloring(p, { kind, ordering }).groups);
    }
  }
});

test("seeds() and members() describe the groups", () => {
  const p = bandedPattern(7, 1, 1);
  const c = coloring(p, { kind: "column", ordering: "natural" });
  assert.deepEqual(Array.from(c.groups), [0, 1, 2, 0, 1, 2, 0]);
  assert.deepEqual(Array.from(c.members(0)), [0, 3, 6]);
  const seeds = c.seeds();
  assert.equal(seeds.length, 3 * 7);
  assert.deepEqual(Array.from(seeds.subarray(7, 14)), [0, 1, 0, 0, 1, 0, 0]);
  assert.throws(() => c.members(3), /Coloring.members: colour 3 is outside 0 to 2/);
});

test("bad options and patterns: clear errors naming coloring and the argument", () => {
  const p = bandedPattern(4, 1, 0);
  assert.throws(
    () => coloring(p, { kind: "diagonal" as ColoringKind }),
    (e: unknown) =>
      e instanceof ArgumentError && /kind must be "column", "row" or "star", got "diagonal"/.test(e.message),
  );
  assert.throws(
    () => coloring(p, { kind: "column", ordering: "random" as Ordering }),
    /ordering must be one of "natural", .*"best", got "random"/,
  );
  assert.throws(() => coloring(p, { kind: "star" }), /star colouring needs a symmetric pattern/);
  assert.throws(
    () => coloring(SparsityPattern.empty(2, 3), { kind: "star" }),
    (e: unknown) => e instanceof ShapeError && /got shape \[2, 3\]/.test(e.message),
  );
  assert.throws(() => coloring({} as SparsityPattern, { kind: "column" }), /expected a SparsityPattern/);
  assert.throws(() => coloring(p, undefined as never), /expected options/);
});

test("the validity checkers catch what they define", () => {
  const p = bandedPattern(4, 1, 1);
  assert.match(
    String(columnColoringViolation(p, [0, 0, 1, 2])),
    /columns 0 and 1 both have colour 0 and share row 0/,
  );
  assert.match(
    String(rowColoringViolation(p, [0, 1, 0, 1])),
    /rows 0 and 2 both have colour 0 and share column 1/,
  );
  // Two colours on a path of four vertices: distance-1 valid, but not a star colouring.
  assert.match(String(starColoringViolation(p, [0, 1, 0, 1])), /path on four vertices/);
  assert.match(String(starColoringViolation(p, [0, 0, 1, 2])), /adjacent vertices 0 and 1/);
  assert.equal(starColoringViolation(p, [0, 1, 0, 2]), null);
  assert.match(String(columnColoringViolation(p, [0, 1])), /2 colours given for 4 columns/);
});
