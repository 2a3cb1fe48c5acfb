// einsum for one and two operands, lowered to differentiable core ops: diagonals by an identity mask,
// sums, permutes, reshapes and one batched matmul for the contraction.
import type { Tensor } from "../tensor.js";
import { ArgumentError, ShapeError, fmtShape } from "../errors.js";
import { mul } from "../ops/elementwise.js";
import { eye } from "../ops/create.js";
import { matmul } from "../ops/matmul.js";
import { sum } from "../ops/reduce.js";
import { permute, reshape } from "../ops/shape.js";
import { asTensor } from "../ops/util.js";

interface Operand {
  t: Tensor;
  labels: string[];
}

function parse(spec: string, count: number): { inputs: string[][]; output: string[] } {
  const clean = spec.replace(/\s+/g, "");
  const arrow = clean.indexOf("->");
  const lhs = arrow >= 0 ? clean.slice(0, arrow) : clean;
  const inputs = lhs.split(",").map((s) => [...s]);
  for (const labels of inputs) {
    for (const c of labels) {
      if (!/^[a-zA-Z]$/.test(c)) throw new ArgumentError(`einsum: "${spec}": label '${c}' is not a letter`);
    }
  }
  if (inputs.length !== count) {
    throw new ArgumentError(`einsum: "${spec}" names ${inputs.length} operand(s) but ${count} were given`);
  }
  let output: string[];
  if (arrow >= 0) {
    output = [...clean.slice(arrow + 2)];
    if (new Set(output).size !== output.length)
      throw new ArgumentError(`einsum: "${spec}": output repeats a label`);
    for (const c of output) {
      if (!inputs.some((l) => l.includes(c))) {
        throw new ArgumentError(`einsum: "${spec}": output label '${c}' is not in any input`);
      }
    }
  } else {
    // Implicit mode (NumPy): the labels that appear exactly once, in alphabetical order.
    const counts = new Map<string, number>();
    for (const l of inputs) for (const c of l) counts.set(c, (counts.get(c) ?? 0) + 1);
    output = [...counts]
      .filter(([, k]) => k === 1)
      .map(([c]) => c)
      .sort();
  }
  return { inputs, output };
}

// Takes the diagonal over a label repeated within one operand (e.g. "ii" -> "i") with an identity mask.
function takeDiagonals(op: Operand, spec: string): Operand {
  let { t, labels } = op;
  for (;;) {
    const i = labels.findIndex((c, k) => labels.indexOf(c) !== k);
    if (i < 0) return { t, labels };
    const first = labels.indexOf(labels[i]);
    const n = t.shape[first];
    if (t.shape[i] !== n) {
      throw new ShapeError(
        `einsum: "${spec}": label '${labels[i]}' has sizes ${n} and ${t.shape[i]} in ${fmtShape(t.shape)}`,
      );
    }
    const maskShape = t.shape.map((_, k) => (k === first || k === i ? n : 1));
    t = sum(mul(t, reshape(eye(n), maskShape)), i);
    labels = labels.filter((_, k) => k !== i);
  }
}

// Sums away labels that appear in no other operand and not in the output.
function sumPrivate(op: Operand, keep: Set<string>): Operand {
  const axes = op.labels.map((c, k) => (keep.has(c) ? -1 : k)).filter((k) => k >= 0);
  if (axes.length === 0) return op;
  return { t: sum(op.t, axes), labels: op.labels.filter((c) => keep.has(c)) };
}

function arrange(op: Operand, order: string[]): Tensor {
  return permute(
    op.t,
    order.map((c) => op.labels.indexOf(c)),
  );
}

/**
 * Einstein summation over one or two operands, e.g. `einsum("ij,jk->ik", a, b)` (matmul),
 * `"bij,bjk->bik"` (batched), `"i,i->"` (dot), `"i,j->ij"` (outer), `"ij->ji"`, `"ii->i"` (diagonal),
 * `"ii"` (trace). Without `->` the output is the labels used once, sorted. Differentiable.
 */
export function einsum(spec: string, ...operands: Tensor[]): Tensor {
  if (operands.length < 1 || operands.length > 2) {
    throw new ArgumentError(`einsum: supports one or two operands, got ${operands.length}`);
  }
  const { inputs, output } = parse(spec, operands.length);
  const ops: Operand[] = operands.map((t, i) => {
    const tensor = asTensor(t, "einsum", `operand ${i}`);
    if (tensor.ndim !== inputs[i].length) {
      throw new ShapeError(
        `einsum: "${spec}": operand ${i} has shape ${fmtShape(tensor.shape)} but ${inputs[i].length} labels`,
      );
    }
    return takeDiagonals({ t: tensor, labels: inputs[i] }, spec);
  });
  const size = new Map<string, number>();
  ops.forEach((op, i) =>
    op.labels.forEach((c, k) => {
      const d = op.t.shape[k];
      if (size.has(c) && size.get(c) !== d) {
        throw new ShapeError(
          `einsum: "${spec}": label '${c}' has size ${size.get(c)} and ${d} (operand ${i})`,
        );
      }
      size.set(c, d);
    }),
  );
  if (ops.length === 1) {
    const op = sumPrivate(ops[0], new Set(output));
    return arrange(op, output);
  }
  const [a0, b0] = ops;
  const inOut = new Set(output);
  const a = sumPrivate(a0, new Set([...inOut, ...b0.labels]));
  const b = sumPrivate(b0, new Set([...inOut, ...a.labels]));
  const batch = a.labels.filter((c) => b.labels.includes(c) && inOut.has(c));
  const contract = a.labels.filter((c) => b.labels.includes(c) && !inOut.has(c));
  const left = a.labels.filter((c) => !b.labels.includes(c));
  const right = b.labels.filter((c) => !a.labels.includes(c));
  const prodOf = (ls: string[]) => ls.reduce((p, c) => p * (size.get(c) as number), 1);
  const [nb, m, k, n] = [prodOf(batch), prodOf(left), prodOf(contract), prodOf(right)];
  // [batch, left, contract] @ [batch, contract, right] -> [batch, left, right]
  const am = reshape(arrange(a, [...batch, ...left, ...contract]), [nb, m, k]);
  const bm = reshape(arrange(b, [...batch, ...contract, ...right]), [nb, k, n]);
  const labels = [...batch, ...left, ...right];
  const prod = reshape(
    matmul(am, bm),
    labels.map((c) => size.get(c) as number),
  );
  return arrange({ t: prod, labels }, output);
}
