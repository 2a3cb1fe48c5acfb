// The schedule of the core benchmark, fair to every library on a machine whose speed drifts: each problem is
// measured in turns (jaclab's cases, then the peers', back to back), in rounds whose order alternates
// (ABBA: jaclab first in round 1, the peers first in round 2, ...), so that both sides of a ratio are timed
// within seconds of each other and neither always goes first. Every case, whoever's, is reported at its best
// round (the lowest of its per-round medians); each round's own figure is kept for the per-round ratios.

/** What the schedule needs of a measurement: its identity and its time. */
export interface Timed {
  kind: string;
  size: number;
  library: string;
  method: string;
  /** The best round's median µs per call (the lowest over the rounds). */
  us?: number;
  /** Each round's median µs per call (undefined where the case failed or was not run in that round). */
  rounds?: (number | undefined)[];
  /** Cores the case kept busy (process CPU time / wall time), the most over the rounds. */
  cores?: number;
  err?: number;
  failure?: string;
}

/** The two sides that take turns on a problem. */
export type Side = "jaclab" | "peers";

/** The order of the turns in round `round` (0-based): jaclab first in even rounds, the peers in odd ones. */
export function turnOrder(round: number): Side[] {
  return round % 2 === 0 ? ["jaclab", "peers"] : ["peers", "jaclab"];
}

/** The number of rounds from BENCH_ROUNDS (default 2); throws on anything but a whole number >= 1. */
export function roundCount(value: string | undefined): number {
  if (value === undefined || value === "") return 2;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`BENCH_ROUNDS must be a whole number >= 1, got '${value}'`);
  return n;
}

/** The line that tells a reader how the benchmark times its cases. */
export function describeSchedule(rounds: number): string {
  const order =
    rounds === 1
      ? "in 1 round (jaclab first; BENCH_ROUNDS=2 or more alternates the order)"
      : `in ${rounds} rounds of alternating order (round 1 jaclab first, round 2 the peers first, ...)`;
  return (
    `timing: per problem, jaclab's cases and the peers' take turns back to back, ${order}; every case ` +
    "of every library is reported at its best round (the lowest of its per-round medians)"
  );
}

const sameCase = (a: Timed, b: Timed) =>
  a.kind === b.kind && a.size === b.size && a.library === b.library && a.method === b.method;

/**
 * Merges one turn's measurements (each with its own `us`, the median of that round) into `into`: a case's
 * round figure goes to `rounds[round]`, its `us` becomes the lowest round figure, its error and its cores
 * the largest, and the first failure seen is kept.
 */
export function mergeRound<T extends Timed>(into: T[], measured: T[], round: number): void {
  for (const m of measured) {
    let merged = into.find((q) => sameCase(q, m));
    if (merged === undefined) {
      merged = { ...m, us: undefined, cores: undefined, err: undefined, failure: undefined, rounds: [] };
      into.push(merged);
    }
    const rounds = merged.rounds ?? (merged.rounds = []);
    while (rounds.length <= round) rounds.push(undefined);
    rounds[round] = m.us;
    const timed = rounds.filter((us): us is number => us !== undefined);
    merged.us = timed.length === 0 ? undefined : Math.min(...timed);
    if (m.err !== undefined) merged.err = Math.max(merged.err ?? 0, m.err);
    if (m.cores !== undefined) merged.cores = Math.max(merged.cores ?? 0, m.cores);
    merged.failure ??= m.failure;
  }
}

/** The case of `library` (optionally one method) at a size with the lowest `time`, among those timed. */
export function fastestBy<T extends Timed>(
  all: T[],
  kind: string,
  size: number,
  library: string,
  method: string | undefined,
  time: (m: T) => number | undefined,
): T | undefined {
  let best: T | undefined;
  let bestTime = Infinity;
  for (const m of all) {
    if (m.kind !== kind || m.size !== size || m.library !== library) continue;
    if (method !== undefined && m.method !== method) continue;
    const t = time(m);
    if (t !== undefined && t < bestTime) {
      best = m;
      bestTime = t;
    }
  }
  return best;
}

/**
 * Per round, the peer's fastest over jaclab's fastest within that round (peer µs / jaclab µs), undefined
 * for a round in which either side has no timed case.
 */
export function roundRatios(
  all: Timed[],
  kind: string,
  size: number,
  peer: string,
  peerMethod: string | undefined,
): (number | undefined)[] {
  const here = all.filter((m) => m.kind === kind && m.size === size);
  const count = Math.max(0, ...here.map((m) => m.rounds?.length ?? 0));
  return Array.from({ length: count }, (_, r) => {
    const inRound = (m: Timed) => m.rounds?.[r];
    const ours = fastestBy(here, kind, size, "jaclab", undefined, inRound);
    const theirs = fastestBy(here, kind, size, peer, peerMethod, inRound);
    const o = ours === undefined ? undefined : inRound(ours);
    const t = theirs === undefined ? undefined : inRound(theirs);
    return o === undefined || t === undefined ? undefined : t / o;
  });
}

/**
 * Runs `rounds` rounds on each problem in turn: for each problem, every round's two turns in
 * {@link turnOrder}, each turn's measurements merged into `into` as that round's figures; `done` is called
 * after each problem's last round.
 */
export function runRounds<P, T extends Timed>(
  problems: P[],
  rounds: number,
  turns: Record<Side, (p: P, round: number) => T[]>,
  into: T[],
  done?: (p: P) => void,
): void {
  for (const p of problems) {
    for (let r = 0; r < rounds; r++) for (const side of turnOrder(r)) mergeRound(into, turns[side](p, r), r);
    done?.(p);
  }
}
