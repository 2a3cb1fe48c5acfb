// Fusion of elementwise equations: a group of elementwise primitives with one output shape becomes a
// single generated loop. Operands from outside the group are read with their broadcast strides (loops over
// dims that every operand walks contiguously are merged), values passed between members stay in locals,
// and only the values needed after the group are stored. The expressions are the eager kernels' own
// templates (src/core/scalar-ops.ts), so results are bit-identical to eager evaluation, but for sin and cos
// of one operand in one loop: those are computed together (./sincos.ts), within about 1 ulp of eager.
import { Primitive, type CompareOp } from "../core/primitives.js";
import {
  binaryExpr,
  compareExpr,
  compileFunction,
  numberLiteral,
  unaryExpr,
  whereExpr,
} from "../core/scalar-ops.js";
import { broadcastStrides, sizeOf, stridesOf } from "../core/kernels.js";
import { Tensor } from "../tensor.js";
import type { Atom, Eqn } from "./program.js";
import { sinCosStatements } from "./sincos.js";

/** Whether `prim` can be a member of a fused elementwise loop. */
export function isFusable(prim: Primitive): boolean {
  return (
    prim in unaryExpr ||
    prim in binaryExpr ||
    prim === Primitive.Compare ||
    prim === Primitive.Where ||
    prim === Primitive.BroadcastTo
  );
}

function memberExpr(e: Eqn, operands: string[]): string {
  const p = e.prim as string;
  if (p in unaryExpr) return unaryExpr[p as keyof typeof unaryExpr](operands[0]);
  if (p in binaryExpr) return binaryExpr[p as keyof typeof binaryExpr](operands[0], operands[1]);
  if (e.prim === Primitive.Compare)
    return compareExpr[(e.params as { op: CompareOp }).op](operands[0], operands[1]);
  if (e.prim === Primitive.Where) return whereExpr(operands[0], operands[1], operands[2]);
  return operands[0]; // BroadcastTo: the operand, read with broadcast strides
}

/** An operand read by a fused loop from outside it. */
export interface LoopInput {
  atom: Atom;
  shape: readonly number[];
}

/**
 * Where a loop stores one of its outputs when not contiguously: at `base + Σ idx_d · strides[d]` over the
 * loop's multi-index (a part of a concatenation written straight into the concatenation's storage).
 */
export interface OutputPlacement {
  base: number;
  strides: readonly number[];
}

/** A compiled fused loop: reads `inputs` (in order), writes the variables `outputs` (in order). */
export interface FusedLoop {
  shape: readonly number[];
  inputs: LoopInput[];
  outputs: number[];
  members: Eqn[];
  run: (ins: Float64Array[], outs: Float64Array[]) => void;
}

// Merges adjacent dims that every operand walks contiguously (stride[d] = stride[d+1]·size[d+1]).
function coalesce(sizes: number[], strides: number[][]): { sizes: number[]; strides: number[][] } {
  const outSizes: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < sizes.length; d++) {
    const last = outSizes.length - 1;
    const mergeable = last >= 0 && strides.every((s, j) => outStrides[j][last] === s[d] * sizes[d]);
    if (mergeable) {
      outSizes[last] *= sizes[d];
      strides.forEach((s, j) => (outStrides[j][last] = s[d]));
    } else {
      outSizes.push(sizes[d]);
      strides.forEach((s, j) => outStrides[j].push(s[d]));
    }
  }
  return { sizes: outSizes, strides: outStrides };
}

/**
 * Compiles the elementwise `members` (in evaluation order, all of one output shape) into one loop that
 * stores the variables in `written` (the others stay in registers); `resolve` maps an operand to the
 * atom whose storage it shares (reshapes are aliases).
 */
export function fuseGroup(
  members: Eqn[],
  shapeOf: (id: number) => readonly number[],
  written: Set<number>,
  resolve: (a: Atom) => Atom = (a) => a,
  placed: ReadonlyMap<number, OutputPlacement> = new Map(),
): FusedLoop {
  const shape = shapeOf(members[members.length - 1].out);
  const produced = new Set(members.map((e) => e.out));
  const inputs: LoopInput[] = [];
  const inputIndex = new Map<string, number>();
  const constIds = new Map<Tensor, number>();
  // An operand's storage is its alias root's; it is read with its own shape's broadcast strides.
  const operandName = (a: Atom): string => {
    const root = resolve(a);
    if (root.kind === "var" && produced.has(root.id)) return `t${root.id}`;
    if (root.kind === "const" && root.value.size === 1) return numberLiteral(root.value.data[0]);
    const shape = a.kind === "var" ? shapeOf(a.id) : a.value.shape;
    let k: string;
    if (root.kind === "var") k = `v${root.id}`;
    else {
      let id = constIds.get(root.value);
      if (id === undefined) constIds.set(root.value, (id = constIds.size));
      k = `c${id}`;
    }
    k += `:${shape.join(",")}`;
    let j = inputIndex.get(k);
    if (j === undefined) {
      j = inputs.length;
      inputIndex.set(k, j);
      inputs.push({ atom: root, shape });
    }
    return `x${j}`;
  };
  // sin and cos of the same operand: the variables defined by each (by operand name).
  const sinOf = new Map<string, number>();
  const cosOf = new Map<string, number>();
  for (const e of members) {
    if (e.prim === Primitive.Sin) sinOf.set(operandName(e.inputs[0]), e.out);
    if (e.prim === Primitive.Cos) cosOf.set(operandName(e.inputs[0]), e.out);
  }
  const paired = new Set<number>();
  const body: string[] = [];
  const outputs: number[] = [];
  for (const e of members) {
    const x = e.prim === Primitive.Sin || e.prim === Primitive.Cos ? operandName(e.inputs[0]) : "";
    const sinId = sinOf.get(x);
    const cosId = cosOf.get(x);
    if (sinId !== undefined && cosId !== undefined && (e.out === sinId || e.out === cosId)) {
      // The first of the pair defines both; the second only stores its value, if that is needed.
      if (!paired.has(e.out)) body.push(...sinCosStatements(x, `t${sinId}`, `t${cosId}`, String(e.out)));
      paired.add(sinId).add(cosId);
    } else {
      body.push(`const t${e.out} = ${memberExpr(e, e.inputs.map(operandName))};`);
    }
    if (written.has(e.out)) {
      const q = outputs.length;
      body.push(`o${q}[${placed.has(e.out) ? `y${q}` : "k"}] = t${e.out};`);
      outputs.push(e.out);
    }
  }
  // Loop structure: scalars are read once; the other operands, and the placed outputs, are walked
  // through their (coalesced) strides: `x${j}` is read at its index, `y${q}` is where output q is stored.
  const outStrides = stridesOf(shape);
  const arrays = inputs.map((inp, j) => ({
    j,
    strides: broadcastStrides(inp.shape, shape),
    scalar: sizeOf(inp.shape) === 1,
  }));
  // Constant operands are packed into one array read at an offset each: every array a loop walks costs
  // V8 registers for its base and length, and a loop over many of them spills (the seeds of a batched
  // jvp and the tangents folded from them are constants).
  const { loopInputs, arrayOf } = packConstants(inputs, arrays);
  // `start`: the flat index of the loop's first element in its array (a packed constant's offset, a
  // placed output's base).
  type Walker = { base: string; start: number; value: (index: string) => string; strides: number[] };
  const walked: Walker[] = arrays
    .filter((a) => !a.scalar)
    .map((a) => ({
      base: `b${a.j}`,
      start: arrayOf[a.j].start,
      value: (index) => `const x${a.j} = ${arrayOf[a.j].name}[${index}];`,
      strides: a.strides,
    }));
  outputs.forEach((id, q) => {
    const at = placed.get(id);
    if (at === undefined) return;
    const value = (index: string) => `const y${q} = ${index};`;
    walked.push({ base: `p${q}`, start: at.base, value, strides: [...at.strides] });
  });
  // Size-1 dims are dropped (their strides do not matter), then contiguous runs merged.
  const keep = shape.map((_, d) => d).filter((d) => shape[d] !== 1);
  const pick = (st: readonly number[]) => keep.map((d) => st[d]);
  const { sizes, strides } = coalesce(
    keep.map((d) => shape[d]),
    [pick(outStrides), ...walked.map((w) => pick(w.strides))],
  );
  const lines: string[] = [];
  loopInputs.forEach((_, r) => lines.push(`const i${r} = ins[${r}];`));
  outputs.forEach((_, q) => lines.push(`const o${q} = outs[${q}];`));
  for (const a of arrays) if (a.scalar) lines.push(`const x${a.j} = ${arrayOf[a.j].name}[0];`);
  lines.push("let k = 0;");
  const r = sizes.length;
  const loads = (level: number) =>
    walked.map((wk, w) => {
      const st = strides[w + 1];
      const contiguous = st.every((s, d) => s === strides[0][d]);
      if (contiguous) return wk.value(wk.start === 0 ? "k" : `k + ${wk.start}`);
      const base = level > 0 ? `${wk.base}_${level - 1}` : String(wk.start);
      const s = r === 0 ? 0 : st[level];
      const idx = s === 0 ? base : s === 1 ? `${base} + a${level}` : `${base} + a${level} * ${s}`;
      return wk.value(idx);
    });
  const open: string[] = [];
  for (let d = 0; d < r; d++) {
    open.push(`for (let a${d} = 0; a${d} < ${sizes[d]}; a${d}++) {`);
    if (d < r - 1) {
      walked.forEach((wk, w) => {
        const s = strides[w + 1][d];
        const base = d > 0 ? `${wk.base}_${d - 1}` : String(wk.start);
        open.push(`const ${wk.base}_${d} = ${s === 0 ? base : `${base} + a${d} * ${s}`};`);
      });
    }
  }
  const inner = [...loads(r - 1 < 0 ? 0 : r - 1), ...body, "k++;"];
  if (r === 0) lines.push(...inner.map((l) => l.replace(/\[k\]/g, "[0]")));
  else lines.push(...open, ...inner, ..."}".repeat(r).split(""));
  const run = compileFunction<FusedLoop["run"]>(["ins", "outs"], lines.join("\n"));
  return { shape, inputs: loopInputs, outputs, members, run };
}

/**
 * The arrays a loop reads: its variable operands, and its constants (two or more, not scalars) packed into
 * one array after them. `arrayOf[j]` names the array operand j is read from and its offset there.
 */
function packConstants(
  inputs: readonly LoopInput[],
  arrays: readonly { j: number; scalar: boolean }[],
): { loopInputs: LoopInput[]; arrayOf: { name: string; start: number }[] } {
  const packable = arrays.filter((a) => !a.scalar && inputs[a.j].atom.kind === "const").map((a) => a.j);
  const packed = new Set(packable.length >= 2 ? packable : []);
  const loopInputs: LoopInput[] = [];
  const arrayOf: { name: string; start: number }[] = [];
  inputs.forEach((inp, j) => {
    if (packed.has(j)) return;
    arrayOf[j] = { name: `i${loopInputs.length}`, start: 0 };
    loopInputs.push(inp);
  });
  if (packed.size === 0) return { loopInputs, arrayOf };
  const name = `i${loopInputs.length}`;
  let size = 0;
  for (const j of packed) {
    arrayOf[j] = { name, start: size };
    size += sizeOf(inputs[j].shape);
  }
  const data = new Float64Array(size);
  for (const j of packed) data.set((inputs[j].atom as { value: Tensor }).value.data, arrayOf[j].start);
  loopInputs.push({ atom: { kind: "const", value: new Tensor(data, [size]) }, shape: [size] });
  return { loopInputs, arrayOf };
}
