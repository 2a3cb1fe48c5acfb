// Independent checks of colourings against their definitions, used by the tests and available to users.
import type { SparsityPattern } from "./pattern.js";

/**
 * Why `groups` is not a column colouring of `pattern` (two columns of one colour share a row, or a
 * colour is missing or negative), or null when it is one. O(nnz).
 */
export function columnColoringViolation(pattern: SparsityPattern, groups: ArrayLike<number>): string | null {
  const [m, n] = pattern.shape;
  const bad = badGroups(groups, n, "column");
  if (bad) return bad;
  // For each colour, the last column of that colour met and the row it was met in.
  const seenIn = new Map<number, { row: number; col: number }>();
  for (let i = 0; i < m; i++) {
    for (let k = pattern.rowPtr[i]; k < pattern.rowPtr[i + 1]; k++) {
      const j = pattern.colIdx[k];
      const previous = seenIn.get(groups[j]);
      if (previous && previous.row === i) {
        return `columns ${previous.col} and ${j} both have colour ${groups[j]} and share row ${i}`;
      }
      seenIn.set(groups[j], { row: i, col: j });
    }
  }
  return null;
}

/** Whether no two columns of one colour share a row (a valid colouring for forward mode). */
export function isValidColumnColoring(pattern: SparsityPattern, groups: ArrayLike<number>): boolean {
  return columnColoringViolation(pattern, groups) === null;
}

/** Why `groups` is not a row colouring of `pattern` (two rows of one colour share a column), or null. */
export function rowColoringViolation(pattern: SparsityPattern, groups: ArrayLike<number>): string | null {
  const message = columnColoringViolation(pattern.transpose(), groups);
  return message && message.replace(/^columns/, "rows").replace(/share row/, "share column");
}

/** Whether no two rows of one colour share a column (a valid colouring for reverse mode). */
export function isValidRowColoring(pattern: SparsityPattern, groups: ArrayLike<number>): boolean {
  return rowColoringViolation(pattern, groups) === null;
}

/**
 * Why `groups` is not a star colouring of the symmetric `pattern`, or null. A star colouring is a
 * distance-1 colouring of the adjacency graph (diagonal ignored) in which every path on four vertices
 * uses at least three colours. A two-coloured path a–b–c–d exists exactly when some edge b–c has b
 * adjacent to two vertices of c's colour and c adjacent to two of b's: so counting, per vertex, its
 * neighbours of each colour decides it in O(nnz).
 */
export function starColoringViolation(pattern: SparsityPattern, groups: ArrayLike<number>): string | null {
  if (!pattern.isSymmetric()) return "the pattern is not symmetric";
  const n = pattern.shape[0];
  const bad = badGroups(groups, n, "vertex");
  if (bad) return bad;
  const { rowPtr, colIdx } = pattern;
  // crowded[k] for nonzero k = (b, c): b has at least two neighbours of c's colour.
  const crowded = new Uint8Array(pattern.nnz);
  const count = new Map<number, number>();
  for (let b = 0; b < n; b++) {
    count.clear();
    for (let k = rowPtr[b]; k < rowPtr[b + 1]; k++) {
      const c = colIdx[k];
      if (c === b) continue;
      if (groups[c] === groups[b]) return `adjacent vertices ${b} and ${c} both have colour ${groups[b]}`;
      count.set(groups[c], (count.get(groups[c]) ?? 0) + 1);
    }
    for (let k = rowPtr[b]; k < rowPtr[b + 1]; k++) {
      if (colIdx[k] !== b && (count.get(groups[colIdx[k]]) ?? 0) >= 2) crowded[k] = 1;
    }
  }
  for (let b = 0; b < n; b++) {
    for (let k = rowPtr[b]; k < rowPtr[b + 1]; k++) {
      const c = colIdx[k];
      if (c > b && crowded[k] && crowded[pattern.indexOf(c, b)]) {
        return `a path on four vertices through the edge ${b}–${c} uses only colours ${groups[b]} and ${groups[c]}`;
      }
    }
  }
  return null;
}

/** Whether `groups` is a star colouring of the symmetric `pattern` (valid for Hessian decompression). */
export function isValidStarColoring(pattern: SparsityPattern, groups: ArrayLike<number>): boolean {
  return starColoringViolation(pattern, groups) === null;
}

function badGroups(groups: ArrayLike<number>, size: number, what: string): string | null {
  if (groups.length !== size) return `${groups.length} colours given for ${size} ${what}s`;
  for (let v = 0; v < size; v++) {
    if (!Number.isInteger(groups[v]) || groups[v] < 0) return `${what} ${v} has colour ${groups[v]}`;
  }
  return null;
}
