// The backward engine shared by torch-style autograd (level-0 tape) and the functional vjp (tracer
// tapes): one reverse sweep over the nodes that lie between the roots and the targets.
import type { BackwardOptions, GradNode, Tensor, TensorLike } from "../tensor.js";
import { ArgumentError, GradError, InternalError, ShapeError, fmtShape } from "../errors.js";
import { checkOptions } from "./options.js";
import type { Primitive, VjpRule } from "./primitives.js";
import { passCounter, ruleTables, withGradMode } from "./trace.js";
import { add } from "../ops/elementwise.js";
import { ones } from "../ops/create.js";
import { asTensor, sameShape } from "../ops/util.js";

// Each sweep gets a fresh epoch; tensors remember in which epoch they were visited, found needed or
// named as a target, and hold their cotangent meanwhile: no hash maps on the hot path.
let epochCounter = 0;

/** Post-order of the nodes reachable from the roots (parents before children), marking them visited. */
function postOrder(roots: Tensor[], epoch: number): Tensor[] {
  const order: Tensor[] = [];
  const stack: Tensor[] = [];
  const next: number[] = [];
  for (const r of roots) {
    if (r.gradFn === null || r._bwSeen === epoch) continue;
    r._bwSeen = epoch;
    stack.push(r);
    next.push(0);
    while (stack.length > 0) {
      const top = stack.length - 1;
      const node = stack[top].gradFn as GradNode;
      if (node.freed) {
        throw new GradError(
          `backward: trying to backward through the graph a second time (at a "${node.name}" node): its saved ` +
            `values were freed by an earlier backward; pass retainGraph: true to the first backward/grad call`,
        );
      }
      if (next[top] < node.parents.length) {
        const p = node.parents[next[top]++];
        if (p !== null && p.gradFn !== null && p._bwSeen !== epoch) {
          p._bwSeen = epoch;
          stack.push(p);
          next.push(0);
        }
      } else {
        order.push(stack[top]);
        stack.pop();
        next.pop();
      }
    }
  }
  return order;
}

function accumulate(k: Tensor, g: Tensor): void {
  k._ct = k._ct === null ? g : add(k._ct, g);
}

/** Runs t's gradient hooks (registerHook, retainGrad) on its complete cotangent g: the value to use. */
function applyHooks(t: Tensor, g: Tensor): Tensor {
  for (const hook of t._hooks ?? []) {
    const r = hook(g);
    if (r !== undefined) {
      if (!sameShape(r.shape, g.shape)) {
        throw new ShapeError(
          `registerHook: the hook returned a gradient of shape ${fmtShape(r.shape)} for a tensor of shape ${fmtShape(g.shape)}`,
        );
      }
      g = r;
    }
  }
  // retainGrad's accumulation comes after every other hook, as in torch.
  if (t._retainsGrad && t.gradFn !== null) t.grad = t.grad === null ? g : add(t.grad, g);
  return g;
}

/** The final cotangent of a leaf target (its hooks applied; non-leaves had theirs during the sweep). */
function leafCt(t: Tensor): Tensor | null {
  const g = t._ct;
  return g !== null && t.gradFn === null && t._hooks !== null ? applyHooks(t, g) : g;
}

/**
 * One reverse sweep: pulls `cts` of `roots` back to the tensors marked as targets of `epoch` (all leaves
 * when `leaves`), leaving each target's cotangent in its `_ct`. Returns the targets reached.
 */
function sweep(
  roots: Tensor[],
  cts: Tensor[],
  epoch: number,
  leaves: boolean,
  retainGraph: boolean,
): Tensor[] {
  passCounter.backward++;
  const vjpTable = ruleTables().vjp;
  const order = postOrder(roots, epoch);
  const isTarget = (t: Tensor): boolean => (leaves ? t.gradFn === null : t._bwTarget === epoch);
  // A node is needed when some target is reachable from it.
  for (const k of order) {
    for (const p of (k.gradFn as GradNode).parents) {
      if (p !== null && (isTarget(p) || p._bwNeeded === epoch)) {
        k._bwNeeded = epoch;
        break;
      }
    }
  }
  const reached: Tensor[] = [];
  const touch = (k: Tensor, g: Tensor): void => {
    if (k._bwCt !== epoch) {
      k._bwCt = epoch;
      k._ct = null;
      if (isTarget(k)) reached.push(k);
    }
    accumulate(k, g);
  };
  roots.forEach((r, i) => touch(r, cts[i]));
  for (let j = order.length - 1; j >= 0; j--) {
    const k = order[j];
    const node = k.gradFn as GradNode;
    let ct = k._bwCt === epoch ? k._ct : null;
    // Its cotangent is complete here (every consumer came later in the order): hooks see it now.
    if (ct !== null && (k._hooks !== null || k._retainsGrad) && (k._bwNeeded === epoch || isTarget(k))) {
      ct = k._ct = applyHooks(k, ct);
    }
    if (k._bwNeeded === epoch && ct !== null) {
      const parents = node.parents;
      const needs = new Array<boolean>(parents.length);
      for (let i = 0; i < parents.length; i++) {
        const p = parents[i];
        needs[i] = p !== null && (isTarget(p) || p._bwNeeded === epoch);
      }
      const rule = vjpTable[node.prim] as VjpRule<Primitive>;
      const ins = rule(ct, node.primals, node.out as Tensor, node.params as never, needs);
      if (ins.length !== parents.length) {
        throw new InternalError(
          `${node.name}: VJP rule returned ${ins.length} cotangents for ${parents.length} inputs`,
        );
      }
      for (let i = 0; i < ins.length; i++) {
        const g = ins[i];
        const p = parents[i];
        if (!needs[i] || g === null || p === null) continue;
        if (!sameShape(g.shape, p.shape)) {
          throw new InternalError(
            `${node.name}: VJP rule gave a cotangent of shape ${fmtShape(g.shape)} for input ${i} of shape ${fmtShape(p.shape)}`,
          );
        }
        touch(p, g);
      }
    }
    if (!isTarget(k)) k._ct = null;
    if (!retainGraph) {
      node.freed = true;
      node.primals = [];
      node.out = null;
    }
  }
  for (const r of roots) if (!isTarget(r)) r._ct = null;
  return reached;
}

/**
 * Pulls the cotangents `cts` of `roots` back through the recorded nodes to `targets` (which may repeat):
 * the cotangent reaching each target, or null when none does. Saved values are released unless
 * `retainGraph`.
 */
export function runBackward(
  roots: Tensor[],
  cts: Tensor[],
  targets: Tensor[],
  retainGraph: boolean,
): (Tensor | null)[] {
  const epoch = ++epochCounter;
  for (const t of targets) t._bwTarget = epoch;
  sweep(roots, cts, epoch, false, retainGraph);
  const seen = new Map<Tensor, Tensor | null>();
  const out = targets.map((t) => {
    if (t._bwCt !== epoch) return null;
    if (!seen.has(t)) seen.set(t, leafCt(t));
    return seen.get(t) as Tensor | null;
  });
  for (const t of targets) t._ct = null;
  return out;
}

/** Like {@link runBackward} with every leaf reached as a target: leaf -> cotangent. */
export function runBackwardToLeaves(
  roots: Tensor[],
  cts: Tensor[],
  retainGraph: boolean,
): Map<Tensor, Tensor> {
  const epoch = ++epochCounter;
  const reached = sweep(roots, cts, epoch, true, retainGraph);
  const out = new Map<Tensor, Tensor>();
  for (const t of reached) {
    const g = leafCt(t);
    if (g !== null) out.set(t, g);
    t._ct = null;
  }
  return out;
}

/** The implicit cotangent of a one-element output (ones), or a GradError naming the op and the shape. */
export function defaultCotangent(out: Tensor, op: string, which: string): Tensor {
  if (out.size !== 1) {
    throw new GradError(
      `${op}: grad can be implicitly created only for one-element outputs, but ${which} has shape ` +
        `${fmtShape(out.shape)}; pass ${op === "backward" ? "a gradient" : "gradOutputs"}`,
    );
  }
  return ones(out.shape);
}

/**
 * torch-style backward from `roots` together (one sweep): accumulates d(roots)/d(leaf) · gradients into
 * the `.grad` of every leaf that requires grad, or, with `opts.inputs`, into those tensors' `.grad` only.
 * A gradient defaults to 1 for a one-element root. `op` names the caller in errors.
 */
export function backwardInto(
  op: string,
  roots: readonly Tensor[],
  gradients: readonly (TensorLike | null | undefined)[],
  opts: BackwardOptions = {},
): void {
  const cts = roots.map((t, i) => {
    const which = roots.length === 1 ? "the tensor" : `tensors[${i}]`;
    if (!t.requiresGrad) {
      throw new GradError(
        `${op}: ${which} (shape ${fmtShape(t.shape)}) does not require grad and has no gradFn`,
      );
    }
    const given = gradients[i];
    if (given === undefined || given === null) return defaultCotangent(t, op, which);
    const g = asTensor(given, op, "gradient");
    if (!sameShape(g.shape, t.shape)) {
      throw new ShapeError(
        `${op}: the gradient for ${which} has shape ${fmtShape(g.shape)} but ${which} has shape ${fmtShape(t.shape)}`,
      );
    }
    return g;
  });
  const createGraph = opts.createGraph ?? false;
  const retainGraph = opts.retainGraph ?? createGraph;
  const addTo = (t: Tensor, g: Tensor): void => {
    t.grad = t.grad === null ? g : add(t.grad, g);
  };
  if (opts.inputs !== undefined) {
    const inputs = Array.isArray(opts.inputs) ? opts.inputs : [opts.inputs];
    if (inputs.length === 0) throw new ArgumentError(`${op}: inputs must not be empty`);
    const got = withGradMode(createGraph, () => runBackward([...roots], cts, inputs, retainGraph));
    new Set(inputs).forEach((t) => {
      const g = got[inputs.indexOf(t)];
      if (g !== null) addTo(t, g);
    });
    return;
  }
  const got = withGradMode(createGraph, () => runBackwardToLeaves([...roots], cts, retainGraph));
  for (const [leaf, lg] of got) if (leaf.gradFn === null && leaf.requiresGrad) addTo(leaf, lg);
}

/**
 * torch-style backward from `t`: accumulates d(t)/d(leaf) · gradient into the `.grad` of every leaf that
 * requires grad (gradient defaults to 1 for a one-element t), or into `opts.inputs`' `.grad` only.
 */
export function backwardFrom(t: Tensor, gradient?: TensorLike, opts?: BackwardOptions): void {
  const o = checkOptions("backward", opts, ["retainGraph", "createGraph", "inputs"]);
  backwardInto("backward", [t], [gradient], o);
}
