// Renders DOT text to SVG with Graphviz compiled to WebAssembly (@viz-js/viz), loaded once on first use.
import type { Viz } from "@viz-js/viz";

/** Raised when Graphviz cannot lay out or render a DOT graph; the message carries Graphviz's errors. */
export class GraphRenderError extends Error {
  /** The class name, shown in tracebacks and error messages. */
  override name = "GraphRenderError";
}

let vizInstance: Promise<Viz> | undefined;

/** The shared Graphviz instance; the WebAssembly module is loaded on the first call and cached. */
function graphviz(): Promise<Viz> {
  if (vizInstance === undefined) {
    // Import lazily so that loading jaclab does not pay for Graphviz until a diagram is drawn.
    vizInstance = import("@viz-js/viz").then((mod) => mod.instance());
    // A failed load must not poison later attempts.
    vizInstance.catch(() => {
      vizInstance = undefined;
    });
  }
  return vizInstance;
}

/**
 * Lays out DOT text with Graphviz's `dot` engine and returns the SVG element. The XML declaration and
 * DOCTYPE are dropped: notebook tools parse outputs as text (nbconvert refuses an encoding declaration).
 */
export async function renderSvg(dot: string): Promise<string> {
  const viz = await graphviz();
  const result = viz.render(dot, { format: "svg", engine: "dot" });
  if (result.status !== "success") {
    const messages = result.errors.map((e) => e.message.trim()).join("; ");
    throw new GraphRenderError(
      `renderSvg: Graphviz failed on a ${dot.length}-character DOT graph: ${messages}`,
    );
  }
  return stripXmlProlog(result.output);
}

/** Removes everything before the `<svg` element: the XML declaration, DOCTYPE and comments. */
export function stripXmlProlog(svg: string): string {
  const start = svg.indexOf("<svg");
  return start > 0 ? svg.slice(start) : svg;
}
