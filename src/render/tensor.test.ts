// Tests of tensor bundles: heatmap HTML, LaTeX, PNG and the 3-D grid, checked in the bundle itself.
import { test } from "node:test";
import assert from "node:assert/strict";
import { PNG } from "pngjs";
import { tensorBundle } from "./tensor.js";
import { showJacobian, LabelError } from "./jacobian.js";
import { displaySymbol, type MimeBundle } from "./mime.js";
import { divergingColor } from "./color.js";
import { countingView, matrix, viewOf } from "./testing.js";

interface Cell {
  title: string;
  background: [number, number, number];
  text: string;
}

/** The value cells of a heatmap table, in document order. */
function cells(html: string): Cell[] {
  const found: Cell[] = [];
  for (const m of html.matchAll(/<td title="([^"]*)" style="([^"]*)">([^<]*)<\/td>/g)) {
    const rgb = /background-color: rgb\((\d+), (\d+), (\d+)\)/.exec(m[2]);
    assert.ok(rgb, `cell without a background: ${m[0]}`);
    found.push({ title: m[1], background: [+rgb[1], +rgb[2], +rgb[3]], text: m[3] });
  }
  return found;
}

function html(bundle: MimeBundle): string {
  assert.equal(typeof bundle["text/html"], "string");
  return bundle["text/html"] as string;
}

test("a 2x2 matrix's heatmap holds every value, blank zeros, and blue/red by sign", () => {
  const bundle = tensorBundle(
    matrix([
      [1.5, 0],
      [-2.25, 4],
    ]),
  );
  const found = cells(html(bundle));
  assert.equal(found.length, 4);
  assert.deepEqual(
    found.map((c) => c.title),
    ["[0, 0] = 1.5", "[0, 1] = 0", "[1, 0] = -2.25", "[1, 1] = 4"],
  );
  assert.deepEqual(
    found.map((c) => c.text),
    ["1.50", "", "−2.25", "4.00"],
  );
  const [positive, zero, negative, largest] = found.map((c) => c.background);
  assert.deepEqual(zero, [255, 255, 255]);
  assert.ok(positive[0] > positive[2], `positive should be red-ish: ${positive.join(",")}`);
  assert.ok(negative[2] > negative[0], `negative should be blue-ish: ${negative.join(",")}`);
  // The largest magnitude gets the most saturated colour.
  assert.ok(largest[1] < positive[1], "4 should be darker than 1.5");
});

test("the heatmap has row and column indices and a caption with shape, min and max", () => {
  const text = html(tensorBundle(viewOf([3, 4], (i) => i - 5)));
  assert.match(text, /shape \[3, 4\]/);
  assert.match(text, /min −5/);
  assert.match(text, /max 6/);
  assert.match(text, /11 of 12 nonzero/);
  for (const j of [0, 1, 2, 3]) assert.match(text, new RegExp(`<th[^>]*>${j}</th>`));
  assert.ok(!/<script/i.test(text), "no scripts: JupyterLab would strip them");
});

test("the caption wraps only between its parts: each part and the legend with its numbers stay on one line", () => {
  const text = html(
    tensorBundle(
      viewOf([3, 4], (i) => i - 5),
      { title: "∂x/∂q" },
    ),
  );
  const caption = /<div class="jaclab-caption"[^>]*>(.*?)<\/div>/.exec(text)?.[1] ?? "";
  const parts = [
    ...caption.matchAll(/<span class="jaclab-caption-part" style="([^"]*)">(.*?)<\/span>(?=\s|<\/span>|$)/g),
  ];
  assert.deepEqual(
    parts.slice(0, 4).map((part) => part[2]),
    ["shape [3, 4] ·", "min −5 ·", "max 6 ·", "11 of 12 nonzero"],
  );
  assert.ok(
    parts.every((part) => part[1]?.includes("white-space: nowrap")),
    caption,
  );
  // The legend: −6, its colour bar and 6 as one unbreakable part.
  assert.match(
    caption,
    /<span class="jaclab-caption-part" style="[^"]*white-space: nowrap">−6<span [^>]*><\/span>6<\/span>/,
  );
  assert.match(caption, /^<b>∂x\/∂q<\/b> /);
});

test("tiny nonzero values stay visibly coloured next to exact zeros", () => {
  const found = cells(html(tensorBundle(matrix([[1e-9, 0, 1000]]))));
  assert.notDeepEqual(found[0].background, [255, 255, 255]);
  assert.deepEqual(found[1].background, [255, 255, 255]);
  assert.deepEqual(divergingColor(0, 5), [255, 255, 255]);
});

test("up to 32x32 the table is complete; beyond, a summarised table with ellipsis rows and columns", () => {
  const full = cells(html(tensorBundle(viewOf([32, 32], (i) => i + 1))));
  assert.equal(full.length, 32 * 32);

  const big = html(tensorBundle(viewOf([40, 50], (i) => i + 1)));
  const shown = cells(big);
  assert.equal(shown.length, 16 * 16); // 8 edge rows and columns on each side
  assert.ok(big.includes("⋮") && big.includes("⋯") && big.includes("⋱"));
  assert.ok(
    shown.some((c) => c.title === "[39, 49] = 2000"),
    "the last element is shown",
  );
  assert.ok(!shown.some((c) => c.title.startsWith("[20, ")), "a middle row is shown");
  assert.match(big, /shape \[40, 50\]/);
});

test("a 1-D tensor is one row of cells indexed by position", () => {
  const found = cells(html(tensorBundle(viewOf([3], (i) => i - 1))));
  assert.deepEqual(
    found.map((c) => c.title),
    ["[0] = -1", "[1] = 0", "[2] = 1"],
  );
});

test("a 2x2 matrix's LaTeX is a bmatrix", () => {
  const bundle = tensorBundle(
    matrix([
      [1, -2.5],
      [3, 4],
    ]),
  );
  // One format for the whole matrix: every entry with the one decimal that -2.5 needs.
  assert.equal(bundle["text/latex"], "$$\\begin{bmatrix} 1.0 & -2.5 \\\\ 3.0 & 4.0 \\end{bmatrix}$$");
  assert.equal(tensorBundle(viewOf([11, 2], (i) => i))["text/latex"], undefined);
  assert.match(
    tensorBundle(viewOf([2], (i) => i * 1e-7))["text/latex"] as string,
    /1\.000 \\times 10\^\{-7\}/,
  );
});

test("from 64 rows a PNG heatmap: each cell several pixels, colours by sign, embedded in the HTML", () => {
  // Row i of a 64x64 matrix: -1 on the diagonal, +1 right of it, zeros elsewhere.
  const n = 64;
  const bundle = tensorBundle(
    viewOf([n, n], (k) => {
      const [i, j] = [Math.floor(k / n), k % n];
      return j === i ? -1 : j === i + 1 ? 1 : 0;
    }),
  );
  assert.equal(typeof bundle["image/png"], "string");
  const png = PNG.sync.read(Buffer.from(bundle["image/png"] as string, "base64"));
  assert.equal(png.width, png.height);
  const cellPx = (png.width - 2) / n;
  assert.ok(Number.isInteger(cellPx) && cellPx >= 4, `cells are ${cellPx} px`);
  const pixel = (i: number, j: number): number[] => {
    const [x, y] = [1 + j * cellPx + cellPx / 2, 1 + i * cellPx + cellPx / 2];
    const p = (y * png.width + x) * 4;
    return [png.data[p], png.data[p + 1], png.data[p + 2]];
  };
  const diagonal = pixel(10, 10);
  const above = pixel(10, 11);
  assert.ok(diagonal[2] > diagonal[0] + 60, `diagonal should be blue: ${diagonal.join(",")}`);
  assert.ok(above[0] > above[2] + 60, `superdiagonal should be red: ${above.join(",")}`);
  assert.deepEqual(pixel(30, 5), [255, 255, 255]);
  assert.ok(html(bundle).includes(`src="data:image/png;base64,${bundle["image/png"] as string}"`));
  assert.equal(tensorBundle(viewOf([63, 63], () => 1))["image/png"], undefined);
});

test("a 3-D tensor shows a grid of heatmaps, one per sample, on a shared scale", () => {
  const text = html(tensorBundle(viewOf([3, 2, 2], (i) => (i === 11 ? 10 : i % 2))));
  const found = cells(text);
  assert.equal(found.length, 12);
  for (const b of [0, 1, 2]) assert.ok(text.includes(`>[${b}]</caption>`), `no label for sample ${b}`);
  assert.ok(found.some((c) => c.title === "[2] [1, 1] = 10"));
  // A 1 in sample 0 is pale next to the 10 in sample 2: the scale is shared.
  const one = found.find((c) => c.title === "[0] [0, 1] = 1");
  assert.ok(one && one.background[1] > 150, "1 should be pale on a scale up to 10");
  assert.match(text, /shape \[3, 2, 2\]/);
});

test("a long batch shows its first and last samples; large samples become a PNG montage", () => {
  const long = html(tensorBundle(viewOf([30, 2, 2], (i) => i)));
  assert.ok(long.includes(">[0]</caption>") && long.includes(">[29]</caption>"));
  assert.ok(!long.includes(">[15]</caption>"));
  assert.match(long, /18 more/);

  const large = tensorBundle(viewOf([3, 64, 64], (i) => (i % 65 === 0 ? 1 : 0)));
  const png = PNG.sync.read(Buffer.from(large["image/png"] as string, "base64"));
  assert.ok(png.width > 3 * 64 && png.height >= 64, `montage is ${png.width}x${png.height}`);
});

test("scalars and higher ranks render as text (plus a summary for ranks above 3)", () => {
  const scalar = tensorBundle({ shape: [], data: Float64Array.of(2) });
  assert.deepEqual(Object.keys(scalar), ["text/plain"]);
  const four = tensorBundle(viewOf([2, 2, 2, 2], (i) => i));
  assert.match(html(four), /shape \[2, 2, 2, 2\]/);
  assert.match(html(four), /mean 7\.5/);
  // Shown as a 4x4 matrix whose cells name their 4-D index.
  assert.ok(cells(html(four)).some((c) => c.title === "[1, 0, 1, 1] = 11"));
  assert.match(html(four), /as a 4×4 matrix/);
});

test("formats restricts the bundle to the types asked for", () => {
  const bundle = tensorBundle(matrix([[1, 2]]), { formats: ["text/latex"] });
  assert.deepEqual(Object.keys(bundle).sort(), ["text/latex", "text/plain"]);
  const png = tensorBundle(matrix([[1, -1]]), { formats: ["image/png"] });
  assert.deepEqual(Object.keys(png).sort(), ["image/png", "text/plain"]);
});

test("showJacobian names outputs and inputs in the HTML, the LaTeX, the text and on hover", async () => {
  const J = matrix([
    [2, 0],
    [0, 2],
    [8, 0],
    [0, 16],
  ]);
  const shown = showJacobian(J, {
    title: "∂x/∂q",
    rowLabels: ["x0", "x1", "x2", "x3"],
    colLabels: ["q0", "q1"],
  });
  const bundle = await shown[displaySymbol]();
  const text = html(bundle);
  assert.ok(text.includes("<b>∂x/∂q</b>"));
  assert.match(text, /<th[^>]*>q1<\/th>/);
  assert.match(text, /<th[^>]*>x3<\/th>/);
  assert.ok(cells(text).some((c) => c.title === "∂x3/∂q1 = 16"));
  // The names stand outside the brackets: column names above the bracketed values, row names left of them.
  const latex = bundle["text/latex"] as string;
  const bracketed = latex.slice(latex.indexOf("\\left["), latex.indexOf("\\right]"));
  assert.ok(bracketed.length > 0, latex);
  assert.ok(
    !/\\llap\{\\mathrm\{q0\}\}|\\strut \\mathrm\{x0\}/.test(bracketed),
    `names inside the brackets: ${latex}`,
  );
  assert.match(latex.slice(0, latex.indexOf("\\left[")), /\\llap\{\\mathrm\{q1\}\}.*\\strut \\mathrm\{x3\}/);
  assert.match(bracketed, /\\strut 0 & 16/);
  assert.match(bundle["text/plain"] as string, /^∂x\/∂q shape=\[4, 2\]\n\s+q0\s+q1\nx0/);
  assert.throws(() => showJacobian(J, { colLabels: ["q0"] }), LabelError);
});

test("showing a huge tensor reads a bounded sample, whatever its size, and says so", () => {
  for (const shape of [[1e8], [1e4, 1e4], [1e3, 1e3, 1e2], [100, 100, 100, 100]]) {
    const { view, reads } = countingView(shape);
    const bundle = tensorBundle(view);
    // At most a few rows' worth for the image (contiguous) and a 65,536-entry sample for the caption.
    assert.ok(reads() < (1 << 21) + (1 << 17), `${shape.join("×")}: read ${reads()} of ${1e8} values`);
    assert.match(html(bundle), /figures from a sample of [\d,]+ entries/);
  }
});
