// Tests of charts: the Vega-Lite spec's fields and the SVG that Vega renders from it in Node.
import { test } from "node:test";
import assert from "node:assert/strict";
import { plot, PlotError } from "./plot.js";
import { displaySymbol } from "./mime.js";

type Spec = {
  $schema: string;
  title?: string;
  data: { values: Record<string, unknown>[] };
  mark: { type: string };
  encoding: Record<string, { field: string; type: string; title?: string; scale?: { type?: string } }>;
};

test("a line chart's bundle has the Vega-Lite spec, an SVG with its lines, and text", async () => {
  const chart = plot.line({
    x: [1, 2, 4, 8],
    y: { jacrev: [1, 2, 3, 5], jacfwd: [1, 3, 7, 15] },
    title: "Timing",
    xLabel: "n",
    yLabel: "ms",
    logY: true,
  });
  const bundle = await chart[displaySymbol]();
  const spec = bundle["application/vnd.vegalite.v5+json"] as Spec;
  assert.match(spec.$schema, /vega-lite\/v5/);
  assert.equal(spec.title, "Timing");
  assert.equal(spec.mark.type, "line");
  assert.equal(spec.encoding.x.title, "n");
  assert.equal(spec.encoding.y.title, "ms");
  assert.equal(spec.encoding.y.scale?.type, "log");
  assert.equal(spec.encoding.color.field, "series");
  assert.equal(spec.data.values.length, 8);
  assert.deepEqual(spec.data.values[5], { x: 2, y: 3, series: "jacfwd" });

  const svg = bundle["image/svg+xml"] as string;
  assert.match(svg, /^<svg[^>]+xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.equal((svg.match(/class="mark-line role-mark/g) ?? []).length, 2, "one line per series");
  assert.ok(svg.includes(">Timing</text>") && svg.includes(">jacfwd</text>"));
  assert.match(bundle["text/plain"] as string, /Line chart "Timing": 2 series \(jacrev, jacfwd\) × 4 points/);
});

test("a bar chart keeps the label order and draws one rect per bar", async () => {
  const chart = plot.bar({ labels: ["loop", "jacrev", "jacfwd"], values: [12, 0.8, 1.5], yLabel: "ms" });
  const spec = chart.spec as unknown as Spec & { encoding: { x: { sort: unknown } } };
  assert.equal(spec.mark.type, "bar");
  assert.equal(spec.encoding.x.sort, null);
  assert.deepEqual(
    spec.data.values.map((r) => r.label),
    ["loop", "jacrev", "jacfwd"],
  );
  const svg = await chart.toSVG();
  const marks = /<g class="mark-rect role-mark[^>]*>(.*?)<\/g>/s.exec(svg);
  assert.ok(marks, "no bar marks in the SVG");
  assert.equal((marks[1].match(/<path/g) ?? []).length, 3);
  assert.ok(svg.includes(">jacrev</text>"));
});

test("plot.fn samples a function evenly over the interval", () => {
  const chart = plot.fn((x) => x * x, [-1, 1], { samples: 5 });
  const spec = chart.spec as unknown as Spec;
  assert.deepEqual(
    spec.data.values.map((r) => [r.x, r.y]),
    [
      [-1, 1],
      [-0.5, 0.25],
      [0, 0],
      [0.5, 0.25],
      [1, 1],
    ],
  );
  const several = plot.fn({ sin: Math.sin, one: () => ({ item: () => 1 }) }, [0, 1], { samples: 3 });
  assert.equal((several.spec as unknown as Spec).data.values.length, 6);
});

test("series of the wrong length and empty ranges are errors naming the series", () => {
  assert.throws(
    () => plot.line({ x: [1, 2, 3], y: { fast: [1, 2] } }),
    (e: unknown) => e instanceof PlotError && /"fast" has 2 values but x has 3/.test(e.message),
  );
  assert.throws(() => plot.fn(Math.sin, [1, 1]), PlotError);
});

test("non-positive values are left out on a log axis, and tensors are accepted as data", () => {
  const y = { shape: [3], data: Float64Array.of(0, 10, 100) };
  const spec = plot.line({ x: [1, 2, 3], y, logY: true }).spec as unknown as Spec;
  assert.deepEqual(
    spec.data.values.map((r) => r.y),
    [10, 100],
  );
});
