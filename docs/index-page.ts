// The site's front page (site/index.html): what jaclab is, how to start, the tutorials with their rendered
// pages and notebooks, and the way into the API reference.

/** A tutorial as listed on the front page (from site/tutorials/index.json, written by scripts/tutorials). */
export interface TutorialEntry {
  /** The notebook's file name without .ipynb, e.g. "01-the-original-question". */
  name: string;
  /** Its first heading. */
  title: string;
  /** The paragraph under that heading, as plain text. */
  summary: string;
}

/** Pages of the API reference the front page points to, as paths under site/api. */
export const API_ENTRY_POINTS: readonly { label: string; path: string }[] = [
  { label: "jacrev", path: "functions/jaclab.jacrev.html" },
  { label: "jacfwd", path: "functions/jaclab.jacfwd.html" },
  { label: "jacobian", path: "functions/jaclab.jacobian.html" },
  { label: "autograd.grad", path: "variables/jaclab.autograd.html" },
  { label: "vmap", path: "functions/jaclab.vmap.html" },
  { label: "hessian", path: "functions/jaclab.hessian.html" },
  { label: "Tensor", path: "classes/jaclab.Tensor.html" },
  { label: "graph", path: "functions/jaclab.graph.html" },
  { label: "showJacobian", path: "functions/jaclab.showJacobian.html" },
  { label: "display and the other cell globals", path: "modules/Cell_globals.html" },
];

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}

/** Inline `code` spans of a summary as <code>, everything else escaped. */
function inlineCode(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, "<code>$1</code>");
}

function tutorialItem(t: TutorialEntry): string {
  return `      <li>
        <a href="tutorials/${t.name}.html">${inlineCode(t.title)}</a>
        <span class="file">(<a href="tutorials/${t.name}.ipynb" download>${t.name}.ipynb</a>)</span>
        <p>${inlineCode(t.summary)}</p>
      </li>`;
}

const STYLE = `
    body { font-family: system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #1d1d1f; }
    h1 { margin-bottom: 0.2rem; } .tagline { margin-top: 0; color: #555; font-size: 1.1rem; }
    code, pre { font-family: ui-monospace, monospace; font-size: 0.92em; background: #f4f4f6; border-radius: 4px; }
    code { padding: 0.1em 0.3em; } pre { padding: 0.8rem 1rem; overflow-x: auto; }
    li { margin-bottom: 0.8rem; } li p { margin: 0.2rem 0 0; color: #444; } .file { color: #666; font-size: 0.9em; }
    .api a { margin-right: 0.8rem; white-space: nowrap; }`;

/** The front page's HTML. */
export function indexPage(tutorials: readonly TutorialEntry[]): string {
  const apiLinks = API_ENTRY_POINTS.map(
    (e) => `<a href="api/${e.path}"><code>${escapeHtml(e.label)}</code></a>`,
  );
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>jaclab: Jacobians you can see</title>
    <style>${STYLE}
    </style>
  </head>
  <body>
    <h1>jaclab</h1>
    <p class="tagline">A Jupyter kernel for TypeScript with its own automatic differentiation: Jacobians in one call, shown as heatmaps, LaTeX and graph diagrams.</p>
    <p>
      Cells are type-checked TypeScript running on Node.js, with the whole autodiff API in scope:
      <code>tensor</code>, torch-style <code>autograd.grad</code>, and the function transforms
      <code>jacrev</code>, <code>jacfwd</code>, <code>jacobian</code>, <code>vmap</code> and <code>hessian</code>.
      A Jacobian shows itself as a heatmap (with LaTeX for small ones and a PNG for large ones), and
      <code>graph(...)</code> draws the computational graph, forward and backward. The same API is a plain
      library for Node scripts: <code>import { tensor, jacrev } from "jaclab"</code>.
    </p>

    <h2 id="start">How to start</h2>
    <pre>git clone &lt;this repository&gt; jaclab &amp;&amp; cd jaclab
npm start          # installs, builds, and opens JupyterLab with the jaclab kernel on the tutorials</pre>
    <p>
      On a machine without a browser: <code>npm start -- --headless</code> prints the URL to open.
      To use the kernel in another Jupyter: <code>npm install &amp;&amp; npm run build &amp;&amp; node bin/jaclab.js install --user</code>,
      then pick <b>TypeScript (jaclab)</b>. Begin with the first tutorial below.
    </p>

    <h2 id="tutorials">Tutorials</h2>
    <p>Each page shows the notebook as committed, with the outputs it produced through the kernel.</p>
    <ol>
${tutorials.map(tutorialItem).join("\n")}
    </ol>

    <h2 id="api">API reference</h2>
    <p><a href="api/index.html">The API reference</a>, generated from the doc comments (what hover and Shift-Tab show in a cell). Start with:</p>
    <p class="api">${apiLinks.join(" ")}</p>
  </body>
</html>
`;
}
