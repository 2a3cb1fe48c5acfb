// Compiling a Program into a Plan that replays it: dead code removed, reshapes turned into aliases (no
// copy), runs of elementwise equations with one output shape fused into single loops (./fuse.ts), every
// other equation run by its primitive's kernel. Intermediate values of fused loops live in buffers that
// are allocated once and reused across steps and across calls (a buffer is recycled after the last step
// that reads it, and a loop may write in place over an operand it reads at the same index); outputs get
// fresh storage on every call, since the caller keeps them.
import { Tensor } from "../tensor.js";
import { Primitive, type ImplRule } from "../core/primitives.js";
import { ruleTables } from "../core/trace.js";
import { alloc, sizeOf } from "../core/kernels.js";
import { sameShape } from "../ops/util.js";
import { fuseGroup, isFusable } from "./fuse.js";
import { intoKernel } from "./kernels.js";
import { simplify } from "./rewrite.js";
import { Program, type Atom, type Eqn } from "./program.js";
import { absorbScalings } from "./absorb.js";
import { placeConcatenations, type Group } from "./place.js";

/** A compiled program. */
export interface Plan {
  /** The program it runs (rewrites applied, dead code removed). */
  readonly program: Program;
  /** Runs the program on input tensors (the shapes it was traced with) and returns its outputs. */
  run(inputs: readonly Tensor[]): Tensor[];
  /** The steps, one line each (fused loops list their members). */
  describe(): string;
  /** Bytes of the buffers reused between steps, allocated once per plan. */
  readonly bufferBytes: number;
  /** Bytes of the outputs, allocated on every call (kernels without a buffer of their own add theirs). */
  readonly outputBytes: number;
  /** @internal Microseconds per step over `reps` runs on `inputs`, with each step's description. */
  profile(inputs: readonly Tensor[], reps: number): { text: string; us: number }[];
}

interface OpenGroup {
  members: Eqn[];
  shape: readonly number[];
  /** Open groups whose values this one reads (they must be emitted first). */
  deps: Set<OpenGroup>;
}

/**
 * The live equations as steps: fusable equations gathered into one loop per output shape, the rest as
 * they come. A group stays open across other equations until something outside it needs one of its
 * values (then it is emitted, after the groups it reads from), so interleaved chains of two shapes
 * still fuse. An equation does not join a group that, through other groups, reads the equation's result.
 */
function schedule(program: Program, resolve: (a: Atom) => Atom): Group[] {
  const steps: Group[] = [];
  const open: OpenGroup[] = [];
  const producedBy = new Map<number, OpenGroup>();
  const emit = (g: OpenGroup) => {
    const k = open.indexOf(g);
    if (k < 0) return;
    open.splice(k, 1);
    for (const d of g.deps) emit(d);
    steps.push({ kind: "fused", members: g.members });
  };
  const readsFrom = (e: Eqn): Set<OpenGroup> => {
    const gs = new Set<OpenGroup>();
    for (const a of e.inputs) {
      const r = resolve(a);
      const g = r.kind === "var" ? producedBy.get(r.id) : undefined;
      if (g !== undefined && open.includes(g)) gs.add(g);
    }
    return gs;
  };
  const dependsOn = (g: OpenGroup, target: OpenGroup, seen = new Set<OpenGroup>()): boolean => {
    if (g === target) return true;
    if (seen.has(g)) return false;
    seen.add(g);
    return [...g.deps].some((d) => open.includes(d) && dependsOn(d, target, seen));
  };
  for (const e of program.eqns) {
    if (e.prim === Primitive.Reshape) continue; // an alias of its operand
    const sources = readsFrom(e);
    if (!isFusable(e.prim)) {
      for (const g of sources) emit(g);
      steps.push({ kind: "prim", eqn: e });
      continue;
    }
    const shape = program.shapes[e.out];
    let group = open.find((g) => sameShape(g.shape, shape));
    if (group !== undefined && [...sources].some((g) => g !== group && dependsOn(g, group as OpenGroup))) {
      emit(group);
      group = undefined;
    }
    if (group === undefined) {
      group = { members: [], shape, deps: new Set() };
      open.push(group);
    }
    group.members.push(e);
    for (const g of sources) if (g !== group) group.deps.add(g);
    producedBy.set(e.out, group);
  }
  while (open.length > 0) emit(open[0]);
  return steps;
}

type SlotStep = { run: (slots: Float64Array[]) => void; text: string };

/** Compiles a program into a plan. */
export function compilePlan(source: Program): Plan {
  const program = simplify(source);
  const shapes = program.shapes;
  // A reshape's output uses its operand's storage: resolve() gives the atom whose storage a value uses.
  const alias = new Map<number, Atom>();
  const resolve = (a: Atom): Atom => (a.kind === "var" ? (alias.get(a.id) ?? a) : a);
  for (const e of program.eqns) if (e.prim === Primitive.Reshape) alias.set(e.out, resolve(e.inputs[0]));
  // Scalings folded into the products that read them (see absorb.ts): the steps run these equations.
  const shapeOfAtom = (a: Atom) => (a.kind === "var" ? shapes[a.id] : a.value.shape);
  const eqns = absorbScalings(program.eqns, program.outputs, resolve, shapeOfAtom);
  const scheduled = schedule(new Program(program.inputs, eqns, program.outputs, shapes), resolve);
  const outputRoots = new Set<number>();
  for (const o of program.outputs) {
    const r = resolve(o);
    if (r.kind === "var") outputRoots.add(r.id);
  }
  // Concatenations of one loop's results are written by that loop (see place.ts).
  const { groups, placed } = placeConcatenations(scheduled, shapes, resolve, outputRoots);

  // The last step reading each storage root; outputs are never recycled.
  const lastUse = new Map<number, number>();
  groups.forEach((g, i) => {
    for (const a of g.kind === "prim" ? g.eqn.inputs : g.members.flatMap((e) => e.inputs)) {
      const r = resolve(a);
      if (r.kind === "var") lastUse.set(r.id, i);
    }
  });

  const slotOf = new Map<number, number>();
  const slotFor = (id: number) => {
    let s = slotOf.get(id);
    if (s === undefined) slotOf.set(id, (s = slotOf.size));
    return s;
  };
  program.inputs.forEach(slotFor);
  const operand = (a: Atom) => {
    const r = resolve(a);
    return r.kind === "var" ? { slot: slotFor(r.id), value: null } : { slot: -1, value: r.value };
  };

  // The pool: sizes of buffers, which are free, which variable holds which.
  const sizes: number[] = [];
  const free = new Set<number>();
  const holder = new Map<number, number>();
  const pooled: { slot: number; buffer: number }[] = [];
  const fresh: { slot: number; size: number }[] = [];
  const dying = (i: number, ids: Iterable<number>) =>
    [...ids].filter((id) => holder.has(id) && lastUse.get(id) === i);
  const release = (ids: number[]) => {
    for (const id of ids) {
      free.add(holder.get(id) as number);
      holder.delete(id);
    }
  };
  const take = (size: number): number => {
    for (const b of free) {
      if (sizes[b] === size) {
        free.delete(b);
        return b;
      }
    }
    sizes.push(size);
    return sizes.length - 1;
  };
  // A program output gets a fresh array per call (the caller keeps it); anything else a pooled buffer.
  const place = (id: number, slot: number) => {
    if (outputRoots.has(id)) fresh.push({ slot, size: sizeOf(shapes[id]) });
    else {
      const b = take(sizeOf(shapes[id]));
      holder.set(id, b);
      pooled.push({ slot, buffer: b });
    }
  };

  const steps: SlotStep[] = [];
  groups.forEach((g, i) => {
    if (g.kind === "prim") {
      const e = g.eqn;
      const dead = dying(
        i,
        e.inputs.flatMap((a) => (resolve(a).kind === "var" ? [(resolve(a) as { id: number }).id] : [])),
      );
      const kernel = intoKernel({
        prim: e.prim,
        params: e.params,
        shapes: e.inputs.map((a) => (a.kind === "var" ? shapes[a.id] : a.value.shape)),
        outShape: shapes[e.out],
        consts: e.inputs.map((a) => operand(a).value),
      });
      if (kernel === null) {
        steps.push(primStep(e, operand, slotFor(e.out), shapes));
        release(dead);
        return;
      }
      const out = slotFor(e.out);
      const isFresh = outputRoots.has(e.out);
      place(e.out, out);
      release(dead);
      const reads = e.inputs.map(operand);
      const ins: Float64Array[] = new Array(reads.length);
      steps.push({
        run: (slots) => {
          readInto(ins, reads, slots);
          kernel(ins, slots[out], isFresh);
        },
        text: `${e.prim} ${e.inputs.map((a) => (a.kind === "var" ? `v${a.id}` : "const")).join(" ")} -> v${e.out}`,
      });
      return;
    }
    const written = new Set<number>();
    for (const e of g.members)
      if ((lastUse.get(e.out) ?? -1) > i || outputRoots.has(e.out) || placed.has(e.out)) written.add(e.out);
    const loop = fuseGroup(g.members, (id) => shapes[id], written, resolve, placed);
    const reads = loop.inputs.map((inp) => ({
      ...operand(inp.atom),
      root: resolve(inp.atom),
      shape: inp.shape,
    }));
    const readIds = reads.flatMap((r) => (r.root.kind === "var" ? [r.root.id] : []));
    // Operands dying here that the loop reads element for element may hold its results (in place);
    // the others are recycled only after this step.
    const sameIndex = new Set(
      reads
        .filter((r) => r.root.kind === "var" && sameShape(r.shape, loop.shape))
        .map((r) => (r.root as { id: number }).id),
    );
    const dead = dying(i, readIds);
    // A concatenation this loop writes gets its storage first: it is not written at the index read.
    const into = new Map<number, number>();
    for (const id of loop.outputs) {
      const c = placed.get(id)?.into;
      if (c !== undefined && !into.has(c)) {
        into.set(c, slotFor(c));
        place(c, slotFor(c));
      }
    }
    release(dead.filter((id) => sameIndex.has(id)));
    const outSlots = loop.outputs.map((id) => {
      const c = placed.get(id)?.into;
      if (c !== undefined) return into.get(c) as number;
      const slot = slotFor(id);
      place(id, slot);
      return slot;
    });
    release(dead.filter((id) => !sameIndex.has(id)));
    const ins: Float64Array[] = new Array(reads.length);
    const outs: Float64Array[] = new Array(outSlots.length);
    steps.push({
      run: (slots) => {
        readInto(ins, reads, slots);
        for (let q = 0; q < outs.length; q++) outs[q] = slots[outSlots[q]];
        loop.run(ins, outs);
      },
      text: `fused[${loop.shape.join(",")}] ${loop.members.map((e) => e.prim).join(" ")} -> ${loop.outputs.map((v) => `v${v}`).join(" ")}`,
    });
  });

  const slots: Float64Array[] = new Array(slotOf.size);
  let allocated = false;
  const outputs = program.outputs.map((o) => ({
    ...operand(o),
    shape: o.kind === "var" ? shapes[o.id] : o.value.shape,
  }));
  const inputSlots = program.inputs.map((id) => slotFor(id));
  return {
    program,
    run(inputs) {
      if (!allocated) {
        const store = sizes.map((n) => new Float64Array(n));
        for (const p of pooled) slots[p.slot] = store[p.buffer];
        allocated = true;
      }
      for (let j = 0; j < inputs.length; j++) slots[inputSlots[j]] = inputs[j].data;
      for (const f of fresh) slots[f.slot] = alloc(f.size);
      for (let s = 0; s < steps.length; s++) steps[s].run(slots);
      return outputs.map((o) => new Tensor(o.value !== null ? o.value.data : slots[o.slot], o.shape));
    },
    describe: () => steps.map((s) => s.text).join("\n"),
    bufferBytes: sizes.reduce((a, n) => a + 8 * n, 0),
    outputBytes: outputs.reduce((a, o) => a + 8 * sizeOf(o.shape), 0),
    profile(inputs, reps) {
      this.run(inputs);
      const us = steps.map(() => 0);
      for (let j = 0; j < inputs.length; j++) slots[inputSlots[j]] = inputs[j].data;
      for (const f of fresh) slots[f.slot] = alloc(f.size);
      // Each step repeated on its own (steps are idempotent but for in-place ones, whose values then
      // drift; the time is what matters here).
      for (let s = 0; s < steps.length; s++) {
        const t = process.cpuUsage();
        for (let r = 0; r < reps; r++) steps[s].run(slots);
        const d = process.cpuUsage(t);
        us[s] = (d.user + d.system) / reps;
      }
      return steps.map((s, i) => ({ text: s.text, us: us[i] }));
    },
  };
}

/** The operands' storage for one run of a step: a constant's data, or the slot a variable lives in. */
function readInto(
  ins: Float64Array[],
  reads: readonly { slot: number; value: Tensor | null }[],
  slots: readonly Float64Array[],
): void {
  for (let j = 0; j < reads.length; j++) {
    const r = reads[j];
    ins[j] = r.value !== null ? r.value.data : slots[r.slot];
  }
}
/** A step that runs one equation with its primitive's kernel (which allocates the result). */
function primStep(
  e: Eqn,
  operand: (a: Atom) => { slot: number; value: Tensor | null },
  out: number,
  shapes: number[][],
): SlotStep {
  const impl = ruleTables().impl[e.prim] as ImplRule<Primitive>;
  const args = e.inputs.map((a) => {
    const shape = a.kind === "var" ? shapes[a.id] : a.value.shape;
    const { slot, value } = operand(a);
    // A reshaped constant: its storage under the operand's shape.
    return {
      slot,
      shape,
      value: value !== null && !sameShape(value.shape, shape) ? new Tensor(value.data, shape) : value,
    };
  });
  const tensors: Tensor[] = new Array(args.length);
  return {
    run: (slots) => {
      for (let j = 0; j < args.length; j++) {
        const a = args[j];
        tensors[j] = a.value ?? new Tensor(slots[a.slot], a.shape);
      }
      let result = impl(tensors, e.params as never).data;
      // A kernel may hand back an operand's storage (a product with an identity): copy it, since that
      // storage may be recycled or belong to the caller.
      for (const t of tensors) if (t.data === result) result = result.slice();
      slots[out] = result;
    },
    text: `${e.prim} ${e.inputs.map((a) => (a.kind === "var" ? `v${a.id}` : "const")).join(" ")} -> v${e.out}`,
  };
}
