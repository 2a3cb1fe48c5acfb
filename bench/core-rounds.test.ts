// The core benchmark's schedule: turns in alternating order per problem, the best-round merge and each
// round's own ratio.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mergeRound, roundCount, roundRatios, runRounds, turnOrder, type Timed } from "./core-rounds.js";

const timed = (library: string, method: string, us: number | undefined, size = 8): Timed => ({
  kind: "mlp",
  size,
  library,
  method,
  us,
});

test("each problem takes its turns back to back, jaclab first in odd rounds and the peers in even ones", () => {
  assert.deepEqual([0, 1, 2, 3].map(turnOrder), [
    ["jaclab", "peers"],
    ["peers", "jaclab"],
    ["jaclab", "peers"],
    ["peers", "jaclab"],
  ]);
  const log: string[] = [];
  const turn = (side: string) => (p: string, r: number) => {
    log.push(`${p}:${r + 1}:${side}`);
    return [];
  };
  runRounds(["a", "b"], 2, { jaclab: turn("jaclab"), peers: turn("peers") }, [], (p) =>
    log.push(`${p} done`),
  );
  assert.deepEqual(log, [
    "a:1:jaclab",
    "a:1:peers",
    "a:2:peers",
    "a:2:jaclab",
    "a done",
    "b:1:jaclab",
    "b:1:peers",
    "b:2:peers",
    "b:2:jaclab",
    "b done",
  ]);
});

test("every case is reported at its best round, with each round's figure kept", () => {
  const all: Timed[] = [];
  mergeRound(all, [timed("jaclab", "jacrev", 10), { ...timed("PyTorch", "jacrev", 30), err: 1e-15 }], 0);
  mergeRound(all, [timed("PyTorch", "jacrev", 24), { ...timed("jaclab", "jacrev", 12), err: 1e-14 }], 1);
  assert.equal(all.length, 2);
  const [ours, theirs] = all;
  assert.deepEqual([ours.us, ours.rounds, ours.err], [10, [10, 12], 1e-14]);
  assert.deepEqual([theirs.us, theirs.rounds, theirs.err], [24, [30, 24], 1e-15]);
});

test("a case's cores (CPU time / wall time) are the most it kept busy in any round", () => {
  const all: Timed[] = [];
  mergeRound(all, [{ ...timed("JAX", "jit(jacrev)", 20), cores: 1.4 }], 0);
  mergeRound(all, [{ ...timed("JAX", "jit(jacrev)", 18), cores: 1.2 }], 1);
  assert.deepEqual([all[0].us, all[0].cores], [18, 1.4]);
});

test("a round in which a case failed leaves its other rounds' figures and keeps the failure", () => {
  const all: Timed[] = [];
  mergeRound(all, [{ ...timed("JAX", "jit(jacrev)", undefined), failure: "wrong result" }], 0);
  mergeRound(all, [timed("JAX", "jit(jacrev)", 7)], 1);
  assert.deepEqual([all[0].us, all[0].rounds, all[0].failure], [7, [undefined, 7], "wrong result"]);
  mergeRound(all, [timed("JAX", "jit(jacfwd)", 9)], 1);
  assert.deepEqual(all[1].rounds, [undefined, 9]);
});

test("each round's ratio compares both sides' fastest within that round, at one size", () => {
  const all: Timed[] = [];
  // jaclab's fastest method differs between rounds; the peer is restricted to one method when asked.
  mergeRound(
    all,
    [
      timed("jaclab", "jacrev", 10),
      timed("jaclab", "jit(jacrev)", 8),
      timed("PyTorch", "torch.func.jacrev", 12),
      timed("PyTorch", "torch.func.jacfwd", 4),
      timed("jaclab", "jacrev", 1, 64),
    ],
    0,
  );
  mergeRound(
    all,
    [
      timed("jaclab", "jacrev", 5),
      timed("jaclab", "jit(jacrev)", 9),
      timed("PyTorch", "torch.func.jacrev", 6),
      timed("PyTorch", "torch.func.jacfwd", 2),
    ],
    1,
  );
  assert.deepEqual(roundRatios(all, "mlp", 8, "PyTorch", undefined), [4 / 8, 2 / 5]);
  assert.deepEqual(roundRatios(all, "mlp", 8, "PyTorch", "torch.func.jacrev"), [12 / 8, 6 / 5]);
  // No peer at 64: no ratio in the round that ran there.
  assert.deepEqual(roundRatios(all, "mlp", 64, "PyTorch", undefined), [undefined]);
  assert.deepEqual(roundRatios(all, "mlp", 8, "JAX", undefined), [undefined, undefined]);
});

test("BENCH_ROUNDS is a whole number of at least one, 2 when unset", () => {
  assert.equal(roundCount(undefined), 2);
  assert.equal(roundCount("3"), 3);
  for (const bad of ["0", "1.5", "two", "-1"]) assert.throws(() => roundCount(bad), /BENCH_ROUNDS must be/);
});
