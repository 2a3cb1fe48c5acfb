// The six wrong-number defects of issue 9, each checked against PyTorch 2.13 (float64). The numbers in
// TORCH were printed by test/reference/torch_defects.py (re-run it with the peers' venv to regenerate).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  ArgumentError,
  Tensor,
  grad,
  hessian,
  hvp,
  jacfwd,
  jacobian,
  jacrev,
  jvp,
  noGrad,
  norm,
  ones,
  pow,
  sub,
  tensor,
  valueAndGrad,
  vjp,
  vmap,
} from "../index.js";

const TORCH = {
  torch: "2.13.0+cpu",
  noGrad: {
    x: [1.5, -2.0, 3.0],
    grad: [3.0, -4.0, 6.0],
    jacrev: [
      [3.0, -0.0, 0.0],
      [0.0, -4.0, 0.0],
      [0.0, -0.0, 6.0],
    ],
    jvpTangent: [0.0, 0.0, 0.0],
    jacfwd: [
      [0.0, 0.0, 0.0],
      [0.0, 0.0, 0.0],
      [0.0, 0.0, 0.0],
    ],
    hessian: [
      [2.0, 0.0, 0.0],
      [0.0, 2.0, 0.0],
      [0.0, 0.0, 2.0],
    ],
    gradOfGradSum: [2.0, 2.0, 2.0],
    gradInsideNoGrad: [3.0, -4.0, 6.0],
  },
  duplicateArgnums: "argnums elements must be unique, got (0, 0)",
  norm: {
    rows: [
      [0.0, 0.0, 0.0],
      [1.0, -2.0, 2.0],
      [0.0, 3.0, -4.0],
    ],
    cases: [
      {
        p: 2.0,
        zeroGrad: [0.0, 0.0, 0.0],
        rowsValue: [0.0, 3.0, 5.0],
        rowsGrad: [
          [0.0, 0.0, 0.0],
          [0.3333333333333333, -0.6666666666666666, 0.6666666666666666],
          [0.0, 0.6, -0.8],
        ],
      },
      {
        p: 3.0,
        zeroGrad: [0.0, 0.0, 0.0],
        rowsValue: [0.0, 2.571281590658235, 4.497941445275415],
        rowsGrad: [
          [0.0, 0.0, 0.0],
          [0.15125185827401386, -0.6050074330960554, 0.6050074330960554],
          [0.0, 0.4448513517305356, -0.7908468475209521],
        ],
      },
      {
        p: 1.5,
        zeroGrad: [0.0, 0.0, 0.0],
        rowsValue: [0.0, 3.5387186276812526, 5.584250376480029],
        rowsGrad: [
          [0.0, 0.0, 0.0],
          [0.5315902219056544, -0.7517821014438996, 0.7517821014438996],
          [0.0, 0.7329564758289748, -0.8463452372482761],
        ],
      },
      {
        p: 1.0,
        zeroGrad: [0.0, 0.0, 0.0],
        rowsValue: [0.0, 5.0, 7.0],
        rowsGrad: [
          [0.0, 0.0, 0.0],
          [1.0, -1.0, 1.0],
          [0.0, 1.0, -1.0],
        ],
      },
      {
        p: 0.5,
        zeroGrad: [0.0, 0.0, 0.0],
        rowsValue: [0.0, 14.656854249492378, 13.928203230275509],
        rowsGrad: [
          [0.0, 0.0, 0.0],
          [3.82842712474619, -2.707106781186547, 2.707106781186547],
          [0.0, 2.154700538379252, -1.8660254037844386],
        ],
      },
      {
        p: "Infinity",
        zeroGrad: [0.0, 0.0, 0.0],
        rowsValue: [0.0, 2.0, 4.0],
        rowsGrad: [
          [0.0, 0.0, 0.0],
          [0.0, -0.5, 0.5],
          [0.0, 0.0, -1.0],
        ],
      },
    ],
  },
  powZeroExponent: [
    { x: 0.0, dx: 0.0 },
    { x: 2.0, dx: 0.0 },
    { x: -1.5, dx: 0.0 },
  ],
  powPartials: [
    { a: -2.0, b: 2.0, da: -4.0, db: "NaN" },
    { a: -2.0, b: 0.5, da: "NaN", db: "NaN" },
    { a: -1.5, b: 3.0, da: 6.75, db: "NaN" },
    { a: 0.0, b: 2.0, da: 0.0, db: 0.0 },
    { a: 0.0, b: 0.0, da: 0.0, db: 0.0 },
    { a: 0.0, b: -1.0, da: "-Infinity", db: "-Infinity" },
    { a: 2.0, b: 1.5, da: 2.121320343559643, db: 1.9605162869370945 },
  ],
  arrayArgument: "Thing passed to transform API must be Tensor, got <class 'float'>",
};

type Nested = number | string | Nested[];

/** The reference's numbers (NaN and infinities are written as strings in JSON). */
function numbers(v: Nested): number[] {
  if (Array.isArray(v)) return v.flatMap(numbers);
  return [typeof v === "string" ? Number(v) : v];
}

/** Every value equals the reference to 1e-12 (relative), NaN where it has NaN, the same infinities. */
function assertMatchesTorch(actual: Tensor | number, expected: Nested, what: string): void {
  const got = typeof actual === "number" ? [actual] : Array.from(actual.data);
  const want = numbers(expected);
  assert.equal(got.length, want.length, `${what}: ${got.length} values, torch has ${want.length}`);
  got.forEach((g, i) => {
    const w = want[i];
    const ok = Number.isFinite(w) ? Math.abs(g - w) <= 1e-12 * (1 + Math.abs(w)) : Object.is(g, w);
    assert.ok(ok, `${what}: value ${i} is ${g}, torch gives ${w}`);
  });
}

/** v^2 - v^2 with the second term under noGrad: a constant for reverse mode. */
function partlyConstant(v: Tensor): Tensor {
  return sub(
    pow(v, 2),
    noGrad(() => pow(v, 2)),
  );
}

test("noGrad inside grad, jacrev and hessian is a constant for reverse mode, as in torch.func", () => {
  const ref = TORCH.noGrad;
  const x = tensor(ref.x);
  const scalar = (v: Tensor): Tensor => partlyConstant(v).sum();
  assertMatchesTorch(grad(scalar)(x), ref.grad, "grad");
  assertMatchesTorch(jacrev(partlyConstant)(x), ref.jacrev, "jacrev");
  assertMatchesTorch(hessian(scalar)(x), ref.hessian, "hessian");
  assertMatchesTorch(grad((v: Tensor) => grad(scalar)(v).sum())(x), ref.gradOfGradSum, "grad of grad");
  // grad called inside noGrad still differentiates f (only settings made inside f count).
  assertMatchesTorch(
    noGrad(() => grad((v: Tensor) => pow(v, 2).sum())(x)),
    ref.gradInsideNoGrad,
    "grad inside noGrad",
  );
});

test("noGrad does not stop forward mode (jvp, jacfwd), as torch's forward AD ignores no_grad", () => {
  const ref = TORCH.noGrad;
  const x = tensor(ref.x);
  assertMatchesTorch(jvp(partlyConstant, [x], [ones([3])])[1], ref.jvpTangent, "jvp tangent");
  assertMatchesTorch(jacfwd(partlyConstant)(x), ref.jacfwd, "jacfwd");
});

test("duplicate argnums are refused with an error naming the duplicate", () => {
  assert.match(TORCH.duplicateArgnums, /must be unique/);
  const f = (a: Tensor, b: Tensor): Tensor => a.mul(b).sum();
  const a = tensor([1, 2]);
  const b = tensor([3, 4]);
  const transforms: [string, (argnums: number[]) => unknown][] = [
    ["grad", (argnums) => grad(f, { argnums })(a, b)],
    ["valueAndGrad", (argnums) => valueAndGrad(f, { argnums })(a, b)],
    ["jacrev", (argnums) => jacrev(f, { argnums })(a, b)],
    ["jacfwd", (argnums) => jacfwd(f, { argnums })(a, b)],
    ["hessian", (argnums) => (hessian as (g: typeof f, o: object) => typeof f)(f, { argnums })(a, b)],
  ];
  for (const [name, run] of transforms) {
    assert.throws(
      () => run([0, 0]),
      (e: Error) =>
        e instanceof ArgumentError && e.message.startsWith(`${name}: argnums [0,0] names argument 0 twice`),
      name,
    );
    assert.throws(
      () => run([0, -2]),
      (e: Error) =>
        e instanceof ArgumentError &&
        e.message.includes(`${name}: argnums [0,-2] names argument 0 twice (as 0 and -2)`),
      `${name} with a negative alias`,
    );
    assert.throws(() => run([1, -1]), /names argument 1 twice \(as 1 and -1\)/, `${name} [1, -1]`);
  }
  // Distinct argnums still work, in the order given.
  const [gb, ga] = grad(f, { argnums: [1, 0] })(a, b);
  assert.deepEqual(
    [gb.toArray(), ga.toArray()],
    [
      [1, 2],
      [3, 4],
    ],
  );
});

test("norm's gradient at a zero vector is the subgradient 0 (p = 2, 3, 1.5, 1, 0.5, Infinity), also over a dim with a zero row", () => {
  const rows = tensor(TORCH.norm.rows);
  for (const c of TORCH.norm.cases) {
    const p = Number(c.p);
    assertMatchesTorch(grad((v: Tensor) => norm(v, p))(tensor([0, 0, 0])), c.zeroGrad, `p=${p} zero vector`);
    assertMatchesTorch(norm(rows, p, 1), c.rowsValue, `p=${p} row norms`);
    assertMatchesTorch(grad((m: Tensor) => norm(m, p, 1).sum())(rows), c.rowsGrad, `p=${p} rows grad`);
    // The same through forward mode and through the tape.
    assertMatchesTorch(jacfwd((m: Tensor) => norm(m, p, 1).sum())(rows), c.rowsGrad, `p=${p} jacfwd`);
    const leaf = tensor(TORCH.norm.rows, { requiresGrad: true });
    norm(leaf, p, 1).sum().backward();
    assertMatchesTorch(leaf.grad as Tensor, c.rowsGrad, `p=${p} backward`);
  }
});

test("d/dx pow(x, 0) is 0, also at x = 0", () => {
  for (const { x, dx } of TORCH.powZeroExponent) {
    assertMatchesTorch(grad((v: Tensor) => pow(v, 0))(tensor(x)), dx, `grad at ${x}`);
    assertMatchesTorch(jvp((v: Tensor) => pow(v, 0), [tensor(x)], [tensor(1)])[1], dx, `jvp at ${x}`);
  }
});

test("d/db pow(a, b) for a < 0 is NaN like torch (and the other partials torch special-cases)", () => {
  for (const { a, b, da, db } of TORCH.powPartials) {
    const [ga, gb] = grad((u: Tensor, v: Tensor) => pow(u, v), { argnums: [0, 1] })(tensor(a), tensor(b));
    assertMatchesTorch(ga, da, `d/da pow(${a}, ${b})`);
    assertMatchesTorch(gb, db, `d/db pow(${a}, ${b})`);
    const [, tb] = jvp((v: Tensor) => pow(tensor(a), v), [tensor(b)], [tensor(1)]);
    assertMatchesTorch(tb, db, `jvp d/db pow(${a}, ${b})`);
  }
});

test("a transform given an array of numbers names itself and asks for a Tensor (or a tree of tensors)", () => {
  assert.match(TORCH.arrayArgument, /must be Tensor/);
  const f = (x: Tensor): Tensor => x.mul(2);
  const s = (x: Tensor): Tensor => x.sum();
  const arr = [1, 2] as unknown as Tensor;
  const calls: [string, RegExp, () => unknown][] = [
    ["jacrev", /^jacrev: argument 0 /, () => jacrev(f)(arr)],
    ["jacfwd", /^jacfwd: argument 0 /, () => jacfwd(f)(arr)],
    ["jacobian", /^jacobian: argument 0 /, () => jacobian(f, arr)],
    ["grad", /^grad: argument 0 /, () => grad(s)(arr)],
    ["valueAndGrad", /^valueAndGrad: argument 0 /, () => valueAndGrad(s)(arr)],
    ["hessian", /^hessian: argument 0 /, () => hessian(s)(arr)],
    ["vjp", /^vjp: primal 0 /, () => vjp(f, arr)],
    ["jvp", /^jvp: primal 0 /, () => jvp(f, [arr], [tensor([1, 1])])],
    ["jvp tangent", /^jvp: tangent 0 /, () => jvp(f, [tensor([1, 2])], [arr])],
    ["hvp", /^hvp: x /, () => hvp(s, arr, tensor([1, 1]))],
    ["vmap", /^vmap: argument 0 /, () => vmap(f)(arr)],
  ];
  for (const [name, head, call] of calls) {
    assert.throws(
      call,
      (e: Error) =>
        e instanceof ArgumentError &&
        head.test(e.message) &&
        e.message.includes("must be a Tensor (or a tree of tensors") &&
        e.message.includes("got an array of numbers [1, 2]"),
      name,
    );
  }
  // A number inside a tree is named by its path; a whole-number argument is still a 0-d tensor.
  assert.throws(
    () => grad((t: { w: Tensor; b: Tensor }) => t.w.sum())({ w: tensor([1]), b: 3 as unknown as Tensor }),
    /grad: argument 0\.b must be a Tensor .* got the number 3 inside a tree/,
  );
  assert.equal((grad((v: Tensor) => pow(v, 2)) as unknown as (v: number) => Tensor)(3).item(), 6);
});
