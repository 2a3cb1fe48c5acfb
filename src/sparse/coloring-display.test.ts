// Tests of a colouring's display: the spy plot coloured by group, the legend, the text.
import { test } from "node:test";
import assert from "node:assert/strict";
import { PNG } from "pngjs";
import { coloring } from "./coloring.js";
import { displaySymbol } from "../render/mime.js";
import { bandedPattern } from "./testing/patterns.js";
import { brusselatorPattern } from "./testing/brusselator-pattern.js";

test("a small column colouring colours each nonzero by its column's group, with a legend of group sizes", () => {
  const c = coloring(bandedPattern(7, 1, 1), { kind: "column", ordering: "natural" });
  const bundle = c[displaySymbol]();
  const html = bundle["text/html"] as string;
  assert.match(html, /column coloring: 3 colours \(natural\) for 7 columns/);
  assert.match(html, /colour 0: 3 columns/);
  assert.match(html, /colour 2: 2 columns/);
  const cells = [
    ...html.matchAll(
      /<td title="\((\d+), (\d+)\): colour (\d+)" style="[^"]*background-color: (rgb\([^)]*\))/g,
    ),
  ];
  assert.equal(cells.length, 19);
  const colourOf = new Map<string, string>();
  for (const [, , j, group, rgb] of cells) {
    assert.equal(Number(group), c.groups[Number(j)]);
    // One colour per group, different groups in different colours.
    assert.equal(colourOf.get(group) ?? rgb, rgb);
    colourOf.set(group, rgb);
  }
  assert.equal(new Set(colourOf.values()).size, 3);
  assert.ok(
    (bundle["text/plain"] as string).startsWith(
      "column coloring: 3 colours (natural) for 7 columns\nSparsityPattern 7×7 · 19 nonzeros · density 38.8%\n",
    ),
  );
  assert.match(bundle["text/plain"] as string, /\n01\.\.\.\.\.\n012\.\.\.\.\n\.120\.\.\./);
  assert.equal(String(c), "column coloring: 3 colours (natural) for 7 columns");
});

test('a row colouring colours by row, and "best" lists every ordering it tried', () => {
  const c = coloring(bandedPattern(5, 1, 1), { kind: "row", ordering: "best" });
  const text = c[displaySymbol]()["text/plain"] as string;
  assert.match(text, /^row coloring: 3 colours \(natural\) for 5 rows\nbest of natural 3, largest-first 3, /);
  const html = c[displaySymbol]()["text/html"] as string;
  for (const [, i, , group] of html.matchAll(/<td title="\((\d+), (\d+)\): colour (\d+)"/g)) {
    assert.equal(Number(group), c.groups[Number(i)]);
  }
});

test("a large colouring (the Brusselator at N = 16) shows as a PNG in several colours", () => {
  const c = coloring(brusselatorPattern(16), { kind: "column" });
  const bundle = c[displaySymbol]();
  const png = PNG.sync.read(Buffer.from(bundle["image/png"] as string, "base64"));
  const colours = new Set<string>();
  for (let p = 0; p < png.data.length; p += 4)
    colours.add(`${png.data[p]},${png.data[p + 1]},${png.data[p + 2]}`);
  // White, the grey frame, and one colour per group.
  assert.equal(colours.size, 2 + c.colors);
  assert.match(bundle["text/html"] as string, /512 columns/);
});
