// Vertex orderings for greedy colouring (the ColPack / SparseMatrixColorings.jl family), on any VertexGraph.
import { degreesOf, type VertexGraph } from "./coloring-graphs.js";

/**
 * The order in which greedy colouring visits vertices (columns, rows, or Hessian columns). Degrees are
 * those of the graph being coloured: for a Jacobian's columns, the number of other columns that share
 * a row with it.
 * - `"natural"`: index order 0, 1, 2, ...
 * - `"largest-first"`: by decreasing degree (ties by index).
 * - `"smallest-last"`: repeatedly take a vertex of smallest degree among those left, place it last
 *   and remove it (Matula–Beck); colours at most one more than the graph's degeneracy.
 * - `"incidence-degree"`: repeatedly take the vertex with the most neighbours already ordered.
 * - `"dynamic-largest-first"`: repeatedly take the vertex with the most neighbours not yet ordered.
 * - `"best"`: colour with each of the above and keep the fewest colours (ties go to the earlier one in
 *   this list, the cheaper to compute).
 */
export type Ordering =
  "natural" | "largest-first" | "smallest-last" | "incidence-degree" | "dynamic-largest-first" | "best";

/** An ordering that names one sequence of vertices (every {@link Ordering} but `"best"`). */
export type VertexOrdering = Exclude<Ordering, "best">;

/** The orderings `"best"` tries, cheapest first (its tie-break). */
export const VERTEX_ORDERINGS: readonly VertexOrdering[] = [
  "natural",
  "largest-first",
  "smallest-last",
  "incidence-degree",
  "dynamic-largest-first",
];

/** The vertices of `graph` in the given order, as a permutation. */
export function vertexOrder(graph: VertexGraph, ordering: VertexOrdering): Int32Array {
  switch (ordering) {
    case "natural":
      return Int32Array.from({ length: graph.size }, (_, v) => v);
    case "largest-first":
      return largestFirst(degreesOf(graph));
    case "smallest-last":
      return dynamicOrder(graph, { start: "degree", pick: "min", step: -1, fill: "back" });
    case "incidence-degree":
      return dynamicOrder(graph, { start: "zero", pick: "max", step: +1, fill: "front" });
    case "dynamic-largest-first":
      return dynamicOrder(graph, { start: "degree", pick: "max", step: -1, fill: "front" });
  }
}

function largestFirst(degrees: Int32Array): Int32Array {
  // A counting sort by degree, descending; stable, so ties keep index order.
  let dmax = 0;
  for (const d of degrees) dmax = Math.max(dmax, d);
  const start = new Int32Array(dmax + 2);
  for (const d of degrees) start[dmax - d + 1]++;
  for (let b = 0; b <= dmax; b++) start[b + 1] += start[b];
  const order = new Int32Array(degrees.length);
  for (let v = 0; v < degrees.length; v++) order[start[dmax - degrees[v]]++] = v;
  return order;
}

interface DynamicRule {
  /** Initial key: each vertex's degree, or zero (no neighbour ordered yet). */
  start: "degree" | "zero";
  /** Take the vertex of smallest or largest key next. */
  pick: "min" | "max";
  /** How the key of each unordered neighbour changes when a vertex is taken. */
  step: 1 | -1;
  /** Whether taken vertices fill the order from the front or from the back. */
  fill: "front" | "back";
}

/**
 * The dynamic orderings: keep every unordered vertex in a bucket by its key (its degree among the
 * unordered vertices, or its number of ordered neighbours), take the minimum or maximum, update its
 * unordered neighbours' keys by one. O(sum of degrees + max degree) overall.
 */
function dynamicOrder(graph: VertexGraph, rule: DynamicRule): Int32Array {
  const n = graph.size;
  const degrees = degreesOf(graph);
  let dmax = 0;
  for (const d of degrees) dmax = Math.max(dmax, d);
  const buckets = new Buckets(n, dmax);
  // Inserted last to first so that each bucket lists its vertices in index order (ties by index).
  for (let v = n - 1; v >= 0; v--) buckets.insert(v, rule.start === "degree" ? degrees[v] : 0);
  const order = new Int32Array(n);
  const buffer = new Int32Array(n);
  for (let t = 0; t < n; t++) {
    const v = rule.pick === "min" ? buckets.popMin() : buckets.popMax();
    order[rule.fill === "front" ? t : n - 1 - t] = v;
    const count = graph.neighbours(v, buffer);
    for (let a = 0; a < count; a++) {
      const u = buffer[a];
      if (buckets.contains(u)) buckets.move(u, buckets.key(u) + rule.step);
    }
  }
  return order;
}

/** Vertices in doubly linked lists by integer key in 0..maxKey, with O(1) moves. */
class Buckets {
  readonly #head: Int32Array;
  readonly #next: Int32Array;
  readonly #prev: Int32Array;
  readonly #key: Int32Array;
  // Every nonempty bucket lies in [#low, #high]; the bounds only loosen on insert and tighten on pop.
  #low: number;
  #high = 0;

  constructor(n: number, maxKey: number) {
    this.#head = new Int32Array(maxKey + 1).fill(-1);
    this.#next = new Int32Array(n).fill(-1);
    this.#prev = new Int32Array(n).fill(-1);
    this.#key = new Int32Array(n).fill(-1);
    this.#low = maxKey;
  }

  contains(v: number): boolean {
    return this.#key[v] >= 0;
  }

  key(v: number): number {
    return this.#key[v];
  }

  insert(v: number, key: number): void {
    const first = this.#head[key];
    this.#next[v] = first;
    this.#prev[v] = -1;
    if (first >= 0) this.#prev[first] = v;
    this.#head[key] = v;
    this.#key[v] = key;
    this.#low = Math.min(this.#low, key);
    this.#high = Math.max(this.#high, key);
  }

  move(v: number, key: number): void {
    this.#unlink(v);
    this.insert(v, key);
  }

  popMin(): number {
    while (this.#head[this.#low] < 0) this.#low++;
    return this.#take(this.#head[this.#low]);
  }

  popMax(): number {
    while (this.#head[this.#high] < 0) this.#high--;
    return this.#take(this.#head[this.#high]);
  }

  #take(v: number): number {
    this.#unlink(v);
    this.#key[v] = -1;
    return v;
  }

  #unlink(v: number): void {
    const [before, after] = [this.#prev[v], this.#next[v]];
    if (before >= 0) this.#next[before] = after;
    else this.#head[this.#key[v]] = after;
    if (after >= 0) this.#prev[after] = before;
  }
}
