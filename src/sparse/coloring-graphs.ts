// The graphs that colourings work on, enumerated from CSR patterns without ever building them densely.
import type { SparsityPattern } from "./pattern.js";

/**
 * An undirected graph seen only through its neighbourhoods. Orderings and greedy colouring ask for the
 * distinct neighbours of one vertex at a time, so the column intersection graph of a Jacobian is never
 * stored: its neighbourhoods come from the pattern and its transpose on demand.
 */
export interface VertexGraph {
  /** Number of vertices. */
  readonly size: number;
  /**
   * Writes the distinct neighbours of `v` (never `v` itself) into `out[0 .. count)` and returns the
   * count. `out` must hold at least `size` entries.
   */
  neighbours(v: number, out: Int32Array): number;
}

/**
 * The column intersection graph of an m × n pattern: columns are adjacent when some row has nonzeros in
 * both (distance 2 in the bipartite row–column graph). A proper colouring of it is a column colouring
 * of the Jacobian. For rows, pass the transposed pattern.
 */
export function columnIntersectionGraph(pattern: SparsityPattern): VertexGraph {
  const byCol = pattern.transpose();
  const { rowPtr, colIdx } = pattern;
  const [tPtr, tIdx] = [byCol.rowPtr, byCol.colIdx];
  const size = pattern.shape[1];
  // seen[u] === stamp marks u as already listed for the current call.
  const seen = new Int32Array(size).fill(-1);
  let stamp = 0;
  return {
    size,
    neighbours(v: number, out: Int32Array): number {
      const mark = stamp++;
      seen[v] = mark;
      let count = 0;
      for (let a = tPtr[v]; a < tPtr[v + 1]; a++) {
        const r = tIdx[a];
        for (let b = rowPtr[r]; b < rowPtr[r + 1]; b++) {
          const u = colIdx[b];
          if (seen[u] !== mark) {
            seen[u] = mark;
            out[count++] = u;
          }
        }
      }
      return count;
    },
  };
}

/**
 * The adjacency graph of a symmetric n × n pattern: i and j (i ≠ j) are adjacent when (i, j) is a
 * nonzero; the diagonal is ignored. Star colouring works on this graph.
 */
export function adjacencyGraph(pattern: SparsityPattern): VertexGraph {
  const { rowPtr, colIdx } = pattern;
  return {
    size: pattern.shape[0],
    neighbours(v: number, out: Int32Array): number {
      let count = 0;
      for (let k = rowPtr[v]; k < rowPtr[v + 1]; k++) if (colIdx[k] !== v) out[count++] = colIdx[k];
      return count;
    },
  };
}

/** Every vertex's degree, one neighbourhood walk each. */
export function degreesOf(graph: VertexGraph): Int32Array {
  const out = new Int32Array(graph.size);
  const buffer = new Int32Array(graph.size);
  for (let v = 0; v < graph.size; v++) out[v] = graph.neighbours(v, buffer);
  return out;
}
