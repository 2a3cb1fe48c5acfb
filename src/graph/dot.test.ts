// Tests of the DOT writer and the SVG rendering on hand-built graph models.
import { test } from "node:test";
import assert from "node:assert/strict";
import { escapeDotString, escapeHtmlLabel, toDot } from "./dot.js";
import { GraphBuilder, GraphModelError, validateModel } from "./model.js";
import { GraphDiagram } from "./diagram.js";
import { renderSvg, GraphRenderError } from "./svg.js";
import { displaySymbol } from "../render/mime.js";

function smallModel() {
  const b = new GraphBuilder();
  const x = b.addNode({ id: "x", kind: "input", label: "x", shape: [2, 3] });
  const op = b.addNode({ id: "op", kind: "op", label: "tanh", shape: [2, 3] });
  const y = b.addNode({ id: "y", kind: "output", label: "y", shape: [2, 3] });
  b.addEdge({ from: x.id, to: op.id, label: "[2,3]" });
  b.addEdge({ from: op.id, to: y.id, label: "[2,3]" });
  return b.model;
}

test("toDot styles inputs as rounded boxes, ops as ellipses and outputs as double boxes", () => {
  const dot = toDot(smallModel());
  assert.match(dot, /^digraph jaclab \{/);
  assert.match(
    dot,
    /"x" \[shape="box", style="rounded,filled"[^\n]*label=<<b>x<\/b><br\/><font point-size="9">\[2,3\]<\/font>>/,
  );
  assert.match(dot, /"op" \[shape="ellipse"[^\n]*label=<<b>tanh<\/b>>/);
  assert.match(dot, /"y" \[shape="box", peripheries=2/);
  assert.match(dot, /"x" -> "op" \[[^\n]*label="\[2,3\]"/);
  assert.match(dot, /"op" -> "y" \[/);
});

test("escaping keeps quotes, backslashes and markup inside their labels", () => {
  assert.equal(escapeDotString('a"b\\c\nd'), 'a\\"b\\\\c\\nd');
  assert.equal(escapeHtmlLabel('<b> & "q"'), "&lt;b&gt; &amp; &quot;q&quot;");
  const b = new GraphBuilder();
  b.addNode({ id: 'we"ird', kind: "input", label: "a<b>&c", name: 'n"1' });
  b.addNode({ id: "o", kind: "op", label: "op" });
  b.addEdge({ from: 'we"ird', to: "o", label: 'sh"ape\\' });
  const dot = toDot(b.model);
  assert.ok(dot.includes('"we\\"ird" ['), dot);
  assert.ok(dot.includes("<b>a&lt;b&gt;&amp;c</b>"), dot);
  assert.ok(dot.includes('tooltip="n\\"1"'), dot);
  assert.ok(dot.includes('label="sh\\"ape\\\\"'), dot);
});

test("a title that looks like markup stays a quoted string", async () => {
  const model = smallModel();
  model.title = '<b>not html</b> & "quoted"';
  const dot = toDot(model);
  assert.ok(dot.includes('label="<b>not html</b> & \\"quoted\\""'), dot);
  assert.ok((await renderSvg(dot)).includes("&lt;b&gt;not html&lt;/b&gt; &amp; &quot;quoted&quot;"));
});

test("clusters become dashed subgraphs holding their nodes", () => {
  const model = smallModel();
  model.clusters.push({ id: "layer0", label: "layer 0", nodeIds: ["op"] });
  const dot = toDot(model);
  assert.match(dot, /subgraph "cluster_layer0" \{\n {4}graph \[label="layer 0"[^\n]*\n {4}"op" \[/);
});

test("the builder and the validator reject broken models", () => {
  const b = new GraphBuilder();
  b.addNode({ id: "a", kind: "input", label: "a" });
  assert.throws(() => b.addNode({ id: "a", kind: "op", label: "a" }), GraphModelError);
  assert.throws(() => b.addEdge({ from: "a", to: "nowhere" }), /unknown node "nowhere"/);
  const model = smallModel();
  model.edges.push({ from: "y", to: "ghost" });
  assert.throws(() => validateModel(model), GraphModelError);
});

test("renderSvg draws one node group per node and every label", async () => {
  const svg = await renderSvg(toDot(smallModel()));
  assert.match(svg, /^<svg/, "the SVG starts at its element, with no XML declaration or DOCTYPE");
  const groups = svg.match(/<g id="node\d+" class="node">/g) ?? [];
  assert.equal(groups.length, 3);
  assert.ok(svg.includes(">tanh<"));
  assert.ok(svg.includes("<title>x&#45;&gt;op</title>"), "the edge x -> op is drawn");
});

test("renderSvg reports Graphviz syntax errors as GraphRenderError", async () => {
  await assert.rejects(renderSvg("digraph { a -> }"), GraphRenderError);
});

test("GraphDiagram offers svg, dot and a text listing in its bundle", async () => {
  const diagram = new GraphDiagram(smallModel());
  const bundle = (await diagram[displaySymbol]()) as Record<string, string>;
  assert.match(bundle["image/svg+xml"], /class="node"/);
  assert.equal(bundle["text/vnd.graphviz"], diagram.dot);
  assert.equal(
    bundle["text/plain"],
    [
      "computational graph: 3 nodes, 2 edges",
      "  x [2,3] input",
      "  tanh [2,3] op ← x",
      "  y [2,3] output ← tanh",
    ].join("\n"),
  );
});
