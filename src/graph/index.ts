// Computational-graph diagrams: graph(y) / graph(f, ...inputs), the diagram object and the graph model.
export { graph, type GraphOptions } from "./graph.js";
export { GraphDiagram } from "./diagram.js";
export {
  GraphBuilder,
  GraphModelError,
  formatShape,
  type GraphModel,
  type GraphNode,
  type GraphNodeKind,
  type GraphEdge,
  type GraphEdgeKind,
  type GraphCluster,
  type Emphasis,
} from "./model.js";
export { toDot, type DotOptions } from "./dot.js";
export { renderSvg, GraphRenderError } from "./svg.js";
export { HighlightError } from "./highlight.js";
export type { RepeatMode } from "./collapse.js";
