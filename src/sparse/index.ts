// Sparse differentiation's combinatorics: patterns, colourings, decompression (the public part).
export { SparsityPattern } from "./pattern.js";
export {
  coloring,
  Coloring,
  DEFAULT_ORDERING,
  type ColoringKind,
  type ColoringOptions,
  type Ordering,
  type VertexOrdering,
} from "./coloring.js";
export {
  decompress,
  decompressColumns,
  decompressRows,
  decompressStar,
  type Compression,
} from "./decompress.js";
export {
  isValidColumnColoring,
  isValidRowColoring,
  isValidStarColoring,
  columnColoringViolation,
  rowColoringViolation,
  starColoringViolation,
} from "./coloring-validate.js";
