// jaclab's text format against PyTorch's repr of the same float64 tensors, case for case, to the character
// (the expected strings come from test/reference/torch_repr.py, run with PyTorch).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { tensorText } from "./text.js";

interface ReprCase {
  name: string;
  shape: number[];
  data: (number | string)[];
  repr: string;
}

const file = new URL("../../../test/reference/torch-repr.json", import.meta.url);
const reference = JSON.parse(readFileSync(file, "utf8")) as { torch: string; cases: ReprCase[] };

const decode = (value: number | string): number =>
  typeof value === "number" ? value : value === "nan" ? NaN : value === "inf" ? Infinity : -Infinity;

for (const c of reference.cases) {
  test(`prints like PyTorch ${reference.torch}: ${c.name}`, () => {
    const view = { shape: c.shape, data: Float64Array.from(c.data, decode) };
    // jaclab names the shape of an empty tensor as it names every shape.
    const expected = c.repr.replace(/size=\(([\d, ]*)\)/, (_, dims: string) => `shape=[${dims}]`);
    assert.equal(tensorText(view, { shape: false }), expected);
  });
}

test("the reference holds the cases that matter: ties, summaries, non-finite values, empty tensors", () => {
  const names = reference.cases.map((c) => c.name);
  for (const name of ["ties round to even", "long vector is summarised", "non-finite", "empty matrix"])
    assert.ok(names.includes(name), name);
});
