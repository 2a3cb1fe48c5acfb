// GraphDiagram: a displayable computational-graph diagram (SVG via Graphviz, DOT, and a text listing).
import { DotDiagram } from "./dot-diagram.js";
import { toDot, type DotOptions } from "./dot.js";
import { validateModel, type GraphModel } from "./model.js";
import { toText } from "./text.js";

/**
 * A computational-graph diagram. In a notebook it shows as an SVG drawn by Graphviz; `.dot` is the
 * Graphviz source, `.text` a plain listing, `.model` the graph itself, and `await .svg()` the SVG.
 */
export class GraphDiagram extends DotDiagram {
  /** The Graphviz DOT source of the diagram. */
  readonly dot: string;

  constructor(
    /** The graph drawn: nodes, edges and clusters. */
    readonly model: GraphModel,
    options: DotOptions = {},
  ) {
    super();
    validateModel(model);
    this.dot = toDot(model, options);
  }

  /** A compact text listing of the graph, one node a line. */
  get text(): string {
    return toText(this.model);
  }
}
