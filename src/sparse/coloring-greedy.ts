// Greedy first-fit colouring of a VertexGraph in a given vertex order.
import type { VertexGraph } from "./coloring-graphs.js";

/** Colours `0 .. colors - 1`, one per vertex, and how many were used. */
export interface Colors {
  readonly groups: Int32Array;
  readonly colors: number;
}

/**
 * Gives each vertex, in `order`, the smallest colour that none of its already-coloured neighbours has.
 * On the column intersection graph this is the partial distance-2 colouring of the bipartite graph
 * (Gebremedhin, Manne and Pothen, "What color is your Jacobian?", 2005): no two columns of one colour
 * share a row. Each vertex costs one neighbourhood walk.
 */
export function greedyColoring(graph: VertexGraph, order: Int32Array): Colors {
  const n = graph.size;
  const groups = new Int32Array(n).fill(-1);
  // forbidden[c] === v: colour c is taken by a neighbour of v (a stamp, so never cleared).
  const forbidden = new Int32Array(n + 1).fill(-1);
  const buffer = new Int32Array(n);
  let colors = 0;
  for (const v of order) {
    const count = graph.neighbours(v, buffer);
    for (let a = 0; a < count; a++) {
      const c = groups[buffer[a]];
      if (c >= 0) forbidden[c] = v;
    }
    let c = 0;
    while (forbidden[c] === v) c++;
    groups[v] = c;
    if (c >= colors) colors = c + 1;
  }
  return { groups, colors };
}
