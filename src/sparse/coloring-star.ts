// Star colouring of a symmetric pattern with its two-coloured stars, for Hessians.
import { InternalError } from "../errors.js";
import type { SparsityPattern } from "./pattern.js";

/** A star colouring and the two-coloured stars that decompression reads entries from. */
export interface StarColors {
  readonly groups: Int32Array;
  readonly colors: number;
  /**
   * For each off-diagonal nonzero k of the pattern, the star (two-coloured subgraph) its edge lies
   * in; -1 on the diagonal. Both (i, j) and (j, i) name the same star.
   */
  readonly star: Int32Array;
  /** The hub of each star, or -1 for a star of one edge (either end can serve as its hub). */
  readonly hub: Int32Array;
}

/**
 * For a symmetric pattern, the position of (j, i) for every nonzero k = (i, j). Rows are visited in
 * ascending order, so the entries (j, i) of each row j come up in ascending i: one cursor per row.
 */
export function mirrorIndex(pattern: SparsityPattern): Int32Array {
  const { rowPtr, colIdx } = pattern;
  const n = pattern.shape[0];
  const cursor = rowPtr.slice(0, n);
  const mirror = new Int32Array(pattern.nnz);
  for (let i = 0; i < n; i++) {
    for (let k = rowPtr[i]; k < rowPtr[i + 1]; k++) {
      const j = colIdx[k];
      const at = cursor[j]++;
      if (colIdx[at] !== i) throw new InternalError(`mirrorIndex: pattern is not symmetric at (${i}, ${j})`);
      mirror[k] = at;
    }
  }
  return mirror;
}

/**
 * Greedy star colouring in `order`: a distance-1 colouring in which every path on four vertices uses
 * at least three colours, so that every two-coloured connected subgraph is a star. This is Algorithm
 * 4.1 of Gebremedhin, Tarafdar, Manne and Pothen, "New acyclic and star coloring algorithms with
 * application to computing Hessians" (SIAM J. Sci. Comput., 2007): it keeps the two-coloured stars
 * and their hubs as it goes, so each vertex only forbids the colours that would create a two-coloured
 * path on four vertices through it, and decompression knows, for each entry, which end is the hub.
 *
 * Vertex v, when coloured, must avoid
 * - the colour of each neighbour w (distance 1);
 * - case 1: when two neighbours w, q share a colour, every colour around w and q (else x–w–v–q or
 *   w–v–q–y would be two-coloured);
 * - case 2: the colour of x when w–x lies in a star whose hub is x (else v–w–x–y, y another leaf).
 */
export function starColoring(pattern: SparsityPattern, order: Int32Array): StarColors {
  const { rowPtr, colIdx } = pattern;
  const n = pattern.shape[0];
  const mirror = mirrorIndex(pattern);
  const color = new Int32Array(n).fill(-1);
  const forbidden = new Int32Array(n + 1).fill(-1);
  const treated = new Int32Array(n).fill(-1);
  // For colour c: the vertex v being coloured when a neighbour of colour c was first met, that
  // neighbour, and the nonzero (v, neighbour). Stamped with v, so never cleared.
  const firstBy = new Int32Array(n + 1).fill(-1);
  const firstNeighbour = new Int32Array(n + 1);
  const firstEdge = new Int32Array(n + 1);
  const star = new Int32Array(pattern.nnz).fill(-1);
  let hub = new Int32Array(Math.max(16, n));
  let stars = 0;
  let colors = 0;

  const forbidAround = (v: number, w: number): void => {
    for (let k = rowPtr[w]; k < rowPtr[w + 1]; k++) {
      const c = color[colIdx[k]];
      if (colIdx[k] !== w && c >= 0) forbidden[c] = v;
    }
    treated[w] = v;
  };
  const setStar = (k: number, s: number): void => {
    star[k] = s;
    star[mirror[k]] = s;
  };
  const newStar = (): number => {
    if (stars === hub.length) {
      const grown = new Int32Array(2 * hub.length);
      grown.set(hub);
      hub = grown;
    }
    hub[stars] = -1;
    return stars++;
  };

  for (const v of order) {
    for (let k = rowPtr[v]; k < rowPtr[v + 1]; k++) {
      const w = colIdx[k];
      const cw = w === v ? -1 : color[w];
      if (cw < 0) continue;
      forbidden[cw] = v;
      if (firstBy[cw] === v) {
        // Case 1: w is the second (or later) neighbour of colour cw.
        const q = firstNeighbour[cw];
        if (treated[q] !== v) forbidAround(v, q);
        forbidAround(v, w);
      } else {
        firstBy[cw] = v;
        firstNeighbour[cw] = w;
        firstEdge[cw] = k;
        // Case 2: w is a leaf of a star whose hub x already has other leaves of colour cw.
        for (let k2 = rowPtr[w]; k2 < rowPtr[w + 1]; k2++) {
          const x = colIdx[k2];
          if (x === w || x === v || color[x] < 0) continue;
          if (hub[star[k2]] === x) forbidden[color[x]] = v;
        }
      }
    }
    let c = 0;
    while (forbidden[c] === v) c++;
    color[v] = c;
    if (c >= colors) colors = c + 1;

    // Put each new edge v–w into its star: grow a star around hub w, grow one around hub v, or start one.
    for (let k = rowPtr[v]; k < rowPtr[v + 1]; k++) {
      const w = colIdx[k];
      if (w === v || color[w] < 0) continue;
      let joined = false;
      for (let k2 = rowPtr[w]; k2 < rowPtr[w + 1]; k2++) {
        const x = colIdx[k2];
        if (x !== v && x !== w && color[x] === c) {
          hub[star[k2]] = w;
          setStar(k, star[k2]);
          joined = true;
          break;
        }
      }
      if (joined) continue;
      const cw = color[w];
      if (firstBy[cw] === v && firstNeighbour[cw] !== w) {
        const s = star[firstEdge[cw]];
        hub[s] = v;
        setStar(k, s);
      } else {
        setStar(k, newStar());
      }
    }
  }
  return { groups: color, colors, star, hub: hub.slice(0, stars) };
}
