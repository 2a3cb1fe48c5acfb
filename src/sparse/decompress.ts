// Decompression: from the compressed products of one batched pass per colour back to CSR values.
import { ArgumentError, ShapeError } from "../errors.js";
import type { StarColors } from "./coloring-star.js";
import type { SparsityPattern } from "./pattern.js";

/**
 * What decompression needs of a colouring (a {@link Coloring} is one): its kind, its pattern, and for
 * each nonzero where its value sits in the compressed buffer.
 */
export interface Compression {
  /** What was coloured: columns (J·S), rows (Sᵀ·J) or the columns of a symmetric Hessian (H·S). */
  readonly kind: "column" | "row" | "star";
  /** The number of colours: rows of the compressed buffer. */
  readonly colors: number;
  /** The pattern whose nonzeros are recovered. */
  readonly pattern: SparsityPattern;
  /** Length of one compressed vector: m for a column colouring, n for a row or star colouring. */
  readonly compressedLength: number;
  /** For nonzero k of the pattern, the index of its value in the compressed buffer. */
  readonly compressedIndex: Int32Array;
}

/**
 * Column colouring: nonzero (i, j) of J is row i of the compressed column of colour(j), i.e. index
 * `colour(j) · m + i` in the [colors, m] buffer of J·S.
 */
export function columnSources(pattern: SparsityPattern, groups: Int32Array): Int32Array {
  const m = pattern.shape[0];
  const rows = pattern.rowIndices();
  const out = new Int32Array(pattern.nnz);
  for (let k = 0; k < out.length; k++) out[k] = groups[pattern.colIdx[k]] * m + rows[k];
  return out;
}

/** Row colouring: nonzero (i, j) is index `colour(i) · n + j` in the [colors, n] buffer of Sᵀ·J. */
export function rowSources(pattern: SparsityPattern, groups: Int32Array): Int32Array {
  const n = pattern.shape[1];
  const rows = pattern.rowIndices();
  const out = new Int32Array(pattern.nnz);
  for (let k = 0; k < out.length; k++) out[k] = groups[rows[k]] * n + pattern.colIdx[k];
  return out;
}

/**
 * Star colouring of a symmetric H, from (H·S)[c, r] = Σ over columns k of colour c of H[r, k]:
 * - a diagonal entry (i, i) is (H·S)[colour(i), i], since no neighbour of i shares its colour;
 * - an edge i–j lies in a two-coloured star. A leaf l of a star with hub h has h as its only neighbour
 *   of colour(h) (a second one would be a two-coloured path through l), so H[l, h] = (H·S)[colour(h), l],
 *   and H[h, l] is the same number. A star of one edge has no hub: either end works.
 * Both triangles are read from the same compressed value, so the result is exactly symmetric.
 */
export function starSources(pattern: SparsityPattern, stars: StarColors): Int32Array {
  const n = pattern.shape[0];
  const rows = pattern.rowIndices();
  const { groups, star, hub } = stars;
  const out = new Int32Array(pattern.nnz);
  for (let k = 0; k < out.length; k++) {
    const [i, j] = [rows[k], pattern.colIdx[k]];
    if (i !== j && hub[star[k]] === i) out[k] = groups[i] * n + j;
    else out[k] = groups[j] * n + i;
  }
  return out;
}

/**
 * The nonzero values of the Jacobian or Hessian, in the pattern's CSR order (the `values` of a
 * SparseMatrix on `coloring.pattern`), from the compressed products:
 * - column colouring: `compressed` is J·S as a row-major [colors, m] Float64Array: row c is the
 *   output tangent of one forward pass seeded with the sum of the input basis vectors of colour c
 *   (one batched jvp gives all rows at once);
 * - row colouring: Sᵀ·J as [colors, n]: row c is the input cotangent of one reverse pass seeded with
 *   the output basis vectors of colour c (one batched vjp);
 * - star colouring: H·S as [colors, n]: row c is the Hessian-vector product with the seed of colour c.
 * `out` (length nnz) is filled and returned when given, so a Newton loop can reuse one buffer.
 */
export function decompress(
  coloring: Compression,
  compressed: Float64Array,
  out?: Float64Array,
): Float64Array {
  const what = coloring.kind === "column" ? "J·S" : coloring.kind === "row" ? "Sᵀ·J" : "H·S";
  const [colors, length] = [coloring.colors, coloring.compressedLength];
  if (!(compressed instanceof Float64Array) || compressed.length !== colors * length) {
    throw new ShapeError(
      `decompress: the compressed ${what} of a ${coloring.kind} colouring must be a Float64Array of ` +
        `[colors, ${coloring.kind === "column" ? "m" : "n"}] = [${colors}, ${length}] = ${colors * length} values, ` +
        `got ${describe(compressed)}`,
    );
  }
  const source = coloring.compressedIndex;
  const values = out ?? new Float64Array(source.length);
  if (values.length !== source.length) {
    throw new ShapeError(
      `decompress: out has ${values.length} values but the pattern has ${source.length} nonzeros`,
    );
  }
  for (let k = 0; k < source.length; k++) values[k] = compressed[source[k]];
  return values;
}

/** {@link decompress} for a column colouring: J·S as [colors, m] to the nonzeros of J. */
export const decompressColumns = kindChecked("column", "decompressColumns");

/** {@link decompress} for a row colouring: Sᵀ·J as [colors, n] to the nonzeros of J. */
export const decompressRows = kindChecked("row", "decompressRows");

/** {@link decompress} for a star colouring: H·S as [colors, n] to every nonzero of H, both triangles. */
export const decompressStar = kindChecked("star", "decompressStar");

/** {@link decompress} that first checks the colouring's kind, naming `op` when it is another. */
function kindChecked(kind: Compression["kind"], op: string): typeof decompress {
  return (coloring, compressed, out) => {
    if (coloring.kind !== kind) {
      throw new ArgumentError(`${op}: needs a ${kind} colouring, got a ${coloring.kind} colouring`);
    }
    return decompress(coloring, compressed, out);
  };
}

function describe(value: unknown): string {
  if (value instanceof Float64Array) return `${value.length} values`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  return value === null ? "null" : typeof value;
}
