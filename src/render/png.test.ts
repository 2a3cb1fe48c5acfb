// Tests of the PNG heatmaps and the LaTeX helpers at their edges: pooling, montages, escaping.
import { test } from "node:test";
import assert from "node:assert/strict";
import { PNG } from "pngjs";
import { heatmapPng } from "./png.js";
import { latexLabel, latexNumber, matrixLatex } from "./latex.js";
import { matricesOf } from "./view.js";
import { viewOf } from "./testing.js";

function decode(base64: string): PNG {
  return PNG.sync.read(Buffer.from(base64, "base64"));
}

function pixel(png: PNG, x: number, y: number): number[] {
  const p = (y * png.width + x) * 4;
  return [png.data[p], png.data[p + 1], png.data[p + 2]];
}

test("a huge matrix is pooled, and a block with one nonzero entry is not blank", () => {
  const n = 3000;
  // A single negative entry at (1500, 1500): its pooled pixel must be blue.
  const data = new Float64Array(n * n);
  data[1500 * n + 1500] = -1;
  const out = heatmapPng([{ rows: n, cols: n, data, offset: 0 }]);
  assert.ok(out.pool >= 2, `pool ${out.pool}`);
  const png = decode(out.base64);
  assert.equal(png.width, out.width);
  const cell = 1 + Math.floor(1500 / out.pool) * out.cellWidth;
  const blue = pixel(png, cell, cell);
  assert.ok(blue[2] > blue[0] + 60, `pooled nonzero should be blue: ${blue.join(",")}`);
  assert.deepEqual(pixel(png, 1 + out.cellWidth * 10, 1 + out.cellHeight * 10), [255, 255, 255]);
});

test("a huge sampled heatmap reads each block's first row and entries: an identity's diagonal shows whole", () => {
  const n = 3000;
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i++) data[i * n + i] = 1;
  const out = heatmapPng([{ rows: n, cols: n, data, offset: 0 }]);
  assert.ok(out.sampleStep > 1 && out.colsRead < out.pool, `sampled: ${out.sampleStep}, ${out.colsRead}`);
  const png = decode(out.base64);
  const cells = Math.ceil(n / out.pool);
  for (let c = 0; c < cells; c++) {
    const [x, y] = [1 + c * out.cellWidth, 1 + c * out.cellHeight];
    assert.notDeepEqual(pixel(png, x, y), [255, 255, 255], `diagonal cell ${c} is blank`);
  }
});

test("a long thin matrix gets wider cells so that it stays visible", () => {
  const out = heatmapPng([{ rows: 1000, cols: 3, data: new Float64Array(3000).fill(1), offset: 0 }]);
  assert.ok(out.cellWidth >= 4 * out.cellHeight, `${out.cellWidth}x${out.cellHeight}`);
});

test("a batch becomes a montage of framed tiles, capped at maxTiles", () => {
  const out = heatmapPng(matricesOf(viewOf([5, 64, 64], () => 1)), { maxTiles: 4 });
  assert.equal(out.tiles, 4);
  const png = decode(out.base64);
  assert.ok(png.width >= 4 * 64 || png.height >= 2 * 64);
  assert.deepEqual(pixel(png, 0, 0), [170, 170, 170], "each tile is framed");
});

test("LaTeX: labels are escaped, exponents typeset, big matrices skipped", () => {
  assert.equal(latexLabel("a_b c"), "\\mathrm{a\\_b\\ c}");
  assert.equal(latexLabel("50%"), "\\mathrm{50\\%}");
  assert.equal(latexNumber(-0.00001234), "-1.234 \\times 10^{-5}");
  assert.equal(latexNumber(Infinity), "\\infty");
  const [m] = matricesOf(viewOf([2, 2], (i) => i));
  assert.match(matrixLatex(m, { rowLabels: ["y_0", "y_1"] }) ?? "", /\\strut \\mathrm\{y\\_0\} \\\\ /);
  const [big] = matricesOf(viewOf([2, 12], (i) => i));
  assert.equal(matrixLatex(big), undefined);
  assert.match(matrixLatex(big, { maxSize: 12 }) ?? "", /^\$\$\\begin\{bmatrix\}/);
});
