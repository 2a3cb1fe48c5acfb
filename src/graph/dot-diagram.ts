// DotDiagram: what every Graphviz-drawn diagram shares (the SVG rendered once on demand, the MIME bundle a
// notebook shows, the text listing for console.log); subclasses say what the DOT source and the text are.
import { displaySymbol, type Displayable, type MimeBundle } from "../render/mime.js";
import { renderSvg } from "./svg.js";

/** A diagram drawn by Graphviz: `.dot` is its source, `.text` a plain listing, `await .svg()` the SVG. */
export abstract class DotDiagram implements Displayable {
  private svgPromise: Promise<string> | undefined;

  /** The Graphviz DOT source of the diagram. */
  abstract readonly dot: string;

  /** A plain-text listing of what the diagram shows. */
  abstract get text(): string;

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
