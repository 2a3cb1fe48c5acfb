// The strided gather (its coalesced loops) and the part-by-part concatenation against an index-by-index
// reference on random shapes, strides and axes, including size-1 and empty dims.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { coalesceStrides, concatData, sizeOf, stridedGather, stridesOf } from "./kernels.js";

/** out[k] = src[base + Σ idx_d · strides[d]] by walking every multi-index. */
function gatherReference(src: Float64Array, base: number, strides: number[], shape: number[]): number[] {
  const out: number[] = [];
  const walk = (d: number, pos: number) => {
    if (d === shape.length) return void out.push(src[pos]);
    for (let i = 0; i < shape[d]; i++) walk(d + 1, pos + i * strides[d]);
  };
  walk(0, base);
  return out;
}

const dims = fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 4 });

test("stridedGather reads every element of a slice, a permutation or a broadcast as the reference does", () => {
  fc.assert(
    fc.property(dims, fc.integer({ min: 0, max: 3 }), fc.boolean(), fc.nat(), (shape, step, bcast, seed) => {
      // A source big enough for the strides chosen: each dim read at `step` (0 = broadcast) times its span.
      const spans = stridesOf(shape.map((s) => s * Math.max(step, 1) + 1));
      const strides = shape.map((_, d) => (bcast && d % 2 === 0 ? 0 : spans[d] * Math.max(step, 1)));
      const base = seed % 3;
      const size = base + 1 + shape.reduce((a, s, d) => a + Math.max(s - 1, 0) * strides[d], 0);
      const src = Float64Array.from({ length: size }, (_, i) => i * 1.5 - 7);
      const got = [...stridedGather(src, base, strides, shape)];
      assert.deepEqual(got, sizeOf(shape) === 0 ? [] : gatherReference(src, base, strides, shape));
    }),
    { numRuns: 300 },
  );
});

test("coalesceStrides drops size-1 dims and merges the contiguous ones", () => {
  assert.deepEqual(coalesceStrides([32, 32, 1], [64, 2, 1]), { shape: [1024], strides: [2] });
  assert.deepEqual(coalesceStrides([2, 3, 4], [12, 4, 1]), { shape: [24], strides: [1] });
  assert.deepEqual(coalesceStrides([2, 3], [1, 2]), { shape: [2, 3], strides: [1, 2] });
  assert.deepEqual(coalesceStrides([1, 1], [5, 7]), { shape: [], strides: [] });
});

test("concatData along any axis equals the index-by-index concatenation, into a given buffer too", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 4 }),
      fc.array(fc.integer({ min: 0, max: 70 }), { minLength: 1, maxLength: 4 }),
      fc.nat(),
      (shape, widths, pick) => {
        const axis = pick % shape.length;
        let next = 0;
        const parts = widths.map((w) => {
          const s = shape.map((n, d) => (d === axis ? w : n));
          return { data: Float64Array.from({ length: sizeOf(s) }, () => next++), shape: s };
        });
        const outShape = shape.map((n, d) => (d === axis ? widths.reduce((a, w) => a + w, 0) : n));
        // Reference: each output index reads the part whose range along `axis` holds it.
        const want: number[] = [];
        const walk = (d: number, idx: number[]) => {
          if (d === outShape.length) {
            let a = idx[axis];
            let k = 0;
            while (a >= widths[k]) a -= widths[k++];
            const local = idx.map((v, e) => (e === axis ? a : v));
            const st = stridesOf(parts[k].shape);
            return void want.push(parts[k].data[local.reduce((s, v, e) => s + v * st[e], 0)]);
          }
          for (let i = 0; i < outShape[d]; i++) walk(d + 1, [...idx, i]);
        };
        walk(0, []);
        assert.deepEqual([...concatData(parts, axis)], want);
        const into = new Float64Array(want.length).fill(NaN);
        assert.deepEqual([...concatData(parts, axis, into)], want);
      },
    ),
    { numRuns: 300 },
  );
});
