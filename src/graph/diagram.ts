// GraphDiagram: a displayable computational-graph diagram (SVG via Graphviz, DOT, and a text listing).
import { displaySymbol, type Displayable, type MimeBundle } from "../render/mime.js";
import { toDot, type DotOptions } from "./dot.js";
import { validateModel, type GraphModel } from "./model.js";
import { renderSvg } from "./svg.js";
import { toText } from "./text.js";

/**
 * A computational-graph diagram. In a notebook it shows as an SVG drawn by Graphviz; `.dot` is the
 * Graphviz source, `.text` a plain listing, `.model` the graph itself, and `await .svg()` the SVG.
 */
export class GraphDiagram implements Displayable {
  /** The Graphviz DOT source of the diagram. */
  readonly dot: string;
  private svgPromise: Promise<string> | undefined;

  constructor(
    /** The graph drawn: nodes, edges and clusters. */
    readonly model: GraphModel,
    options: DotOptions = {},
  ) {
    validateModel(model);
    this.dot = toDot(model, options);
  }

  /** A compact text listing of the graph, one node a line. */
  get text(): string {
    return toText(this.model);
  }

  /** Renders the diagram to an SVG document (Graphviz WebAssembly, loaded on first use). */
  svg(): Promise<string> {
    this.svgPromise ??= renderSvg(this.dot);
    return this.svgPromise;
  }

  /** The MIME bundle a notebook shows: `image/svg+xml`, `text/vnd.graphviz` and `text/plain`. */
  async [displaySymbol](): Promise<MimeBundle> {
    return { "image/svg+xml": await this.svg(), "text/vnd.graphviz": this.dot, "text/plain": this.text };
  }

  /** The text listing, so that `console.log` and string templates show something useful. */
  toString(): string {
    return this.text;
  }
}
