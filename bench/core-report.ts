// Tables of the core benchmark: per problem family, µs per Jacobian for every library and method (each
// case's best round), the speed-ups of jaclab's fastest method over JAX jit and PyTorch against the issue's
// targets with each round's own ratio, peak memory against the size of the Jacobian, and matmul GFLOP/s.
import { SIZES, TITLES, type ProblemKind } from "./core-problems.js";
import { fastestBy, roundRatios, type Timed } from "./core-rounds.js";
import type { Clock } from "./core-timing.js";

/** One measured case at one size; `us` is its best round's median, `rounds` each round's. */
export interface Measurement extends Timed {
  kind: ProblemKind;
  note: string;
  /** Largest error against the reference, relative to the reference's largest entry. */
  err?: number;
  peakBytes?: number;
  /** Bytes of the Jacobian (m × n doubles, times the batch). */
  jacobianBytes?: number;
  /** jit cases: bytes of the plan's reused buffers and of its outputs per call. */
  plan?: { buffers: number; outputs: number };
}

const pad = (s: string, w: number) => s.padEnd(w);
const lpad = (s: string, w: number) => s.padStart(w);

export function fmtUs(us: number | undefined): string {
  if (us === undefined) return "-";
  return us >= 1000 ? us.toFixed(0) : us >= 10 ? us.toFixed(1) : us.toFixed(2);
}

function fmtBytes(b: number | undefined): string {
  if (b === undefined) return "-";
  if (b < 1 << 20) return `${(b / 1024).toFixed(0)} KiB`;
  return `${(b / (1 << 20)).toFixed(1)} MiB`;
}

function label(m: Measurement): string {
  return `${m.library} ${m.method}`;
}

/** The rows of one family, in first-seen order. */
function rowsOf(all: Measurement[], kind: ProblemKind): string[] {
  const labels: string[] = [];
  for (const m of all) if (m.kind === kind && !labels.includes(label(m))) labels.push(label(m));
  return labels;
}

function find(all: Measurement[], kind: ProblemKind, size: number, rowLabel: string) {
  return all.find((m) => m.kind === kind && m.size === size && label(m) === rowLabel);
}

/** The fastest timed measurement (by its best round) of `library` (optionally one method) at a size. */
export function fastest(
  all: Measurement[],
  kind: ProblemKind,
  size: number,
  library: string,
  method?: string,
): Measurement | undefined {
  return fastestBy(all, kind, size, library, method, (m) => m.us);
}

/** Each round's ratio, as ` (rounds 1.08x, 1.22x)`; nothing with a single round. */
function fmtRounds(ratios: (number | undefined)[]): string {
  if (ratios.length < 2) return "";
  return ` (rounds ${ratios.map((r) => (r === undefined ? "-" : `${r.toFixed(2)}x`)).join(", ")})`;
}

// Below this many cores (CPU time / wall time) a case counts as running on one thread.
const MANY_CORES = 1.1;

/** `CPU / wall time 1.32-1.47` when some case kept more than one core busy; else nothing. */
function fmtCores(cores: (number | undefined)[]): string {
  const known = cores.filter((c): c is number => c !== undefined);
  if (!known.some((c) => c >= MANY_CORES)) return "";
  const [lo, hi] = [Math.min(...known), Math.max(...known)];
  return `CPU / wall time ${lo.toFixed(2)}${hi - lo >= 0.005 ? `-${hi.toFixed(2)}` : ""}`;
}

/**
 * The ratio by the clock not used, from each side's cores (CPU time / wall time), as `; by wall time about
 * 0.62x`, when either side kept more than one core busy; else nothing.
 */
function otherClock(ratio: number, ours: Measurement, theirs: Measurement, clock: Clock): string {
  const [o, t] = [ours.cores, theirs.cores];
  if (o === undefined || t === undefined || Math.max(o, t) < MANY_CORES) return "";
  // wall = cpu / cores on each side, so the wall ratio is the CPU ratio times ours / theirs.
  const other = clock === "cpu" ? (ratio * o) / t : (ratio * t) / o;
  return `; by ${clock === "cpu" ? "wall" : "CPU"} time about ${other.toFixed(2)}x`;
}

/** Prints the time table of one family. */
export function printTimes(all: Measurement[], kind: ProblemKind): void {
  const sizes = SIZES[kind];
  const labels = rowsOf(all, kind);
  if (labels.length === 0) return;
  const w0 = Math.max(...labels.map((l) => l.length), 34) + 2;
  console.log(`\n${TITLES[kind]}: µs per call`);
  const header = pad("case", w0) + sizes.map((n) => lpad(String(n), 11)).join("") + "   notes";
  console.log(header);
  console.log("-".repeat(header.length + 10));
  for (const l of labels) {
    const cells = sizes.map((n) => find(all, kind, n, l));
    const notes = new Set<string>();
    for (const c of cells) {
      if (c === undefined) continue;
      if (c.note) notes.add(c.note);
      if (c.failure) notes.add(`n=${c.size}: ${c.failure}`);
    }
    const worst = Math.max(0, ...cells.map((c) => c?.err ?? 0));
    notes.add(`max rel err ${worst.toExponential(1)}`);
    const busy = fmtCores(cells.map((c) => c?.cores));
    if (busy !== "") notes.add(busy);
    console.log(
      pad(l, w0) + cells.map((c) => lpad(fmtUs(c?.us), 11)).join("") + `   ${[...notes].join("; ")}`,
    );
  }
}

/** Prints each round's µs per call of one family (round 1 / round 2 / ...), when there were several. */
export function printRoundTimes(all: Measurement[], kind: ProblemKind): void {
  const ofKind = all.filter((m) => m.kind === kind);
  const count = Math.max(0, ...ofKind.map((m) => m.rounds?.length ?? 0));
  if (count < 2) return;
  const sizes = SIZES[kind];
  const labels = rowsOf(ofKind, kind);
  const cell = (l: string, n: number) => {
    const rounds = find(ofKind, kind, n, l)?.rounds ?? [];
    return Array.from({ length: count }, (_, r) => fmtUs(rounds[r])).join(" / ");
  };
  const w0 = Math.max(...labels.map((l) => l.length), 34) + 2;
  const w = Math.max(...labels.flatMap((l) => sizes.map((n) => cell(l, n).length)), 11) + 2;
  const order = Array.from({ length: count }, (_, r) => `round ${r + 1}`).join(" / ");
  console.log(`\n${TITLES[kind]}: µs per call in each round (${order}; the table above has the lowest)`);
  console.log(pad("case", w0) + sizes.map((n) => lpad(String(n), w)).join(""));
  for (const l of labels) console.log(pad(l, w0) + sizes.map((n) => lpad(cell(l, n), w)).join(""));
}

/**
 * Prints, per size, jaclab's fastest method against the fastest of `peer` (or one method of it), as
 * peer µs / jaclab µs with the target: `smallTarget` below the largest size, `largeTarget` at it. The
 * verdict uses every case's best round, by `clock`; each round's own ratio (both sides' fastest within
 * that round) follows it, to show the spread, and the ratio by the other clock where a side kept more
 * than one core busy.
 */
export function printTarget(
  all: Measurement[],
  kind: ProblemKind,
  peer: string,
  peerMethod: string | undefined,
  smallTarget: number,
  largeTarget: number,
  clock: Clock,
): boolean {
  const sizes = SIZES[kind];
  let met = true;
  const parts: string[] = [];
  for (const n of sizes) {
    const ours = fastest(all, kind, n, "jaclab");
    const theirs = fastest(all, kind, n, peer, peerMethod);
    const target = n === sizes[sizes.length - 1] ? largeTarget : smallTarget;
    if (ours?.us === undefined || theirs?.us === undefined) {
      parts.push(`${n}: -`);
      met = false;
      continue;
    }
    const ratio = theirs.us / ours.us;
    const ok = ratio >= target;
    met &&= ok;
    const spread = fmtRounds(roundRatios(all, kind, n, peer, peerMethod));
    parts.push(
      `${n}: ${ratio.toFixed(2)}x ${ok ? "ok" : "MISSED"}${spread} (target >= ${target.toFixed(2)}; ` +
        `jaclab ${ours.method} ${fmtUs(ours.us)} µs, ${peer} ${theirs.method} ${fmtUs(theirs.us)} µs` +
        `${otherClock(ratio, ours, theirs, clock)})`,
    );
  }
  const what = peerMethod === undefined ? `${peer}'s fastest` : `${peer} ${peerMethod}`;
  console.log(`  speed-up of jaclab's fastest over ${what} (peer µs / jaclab µs):`);
  for (const p of parts) console.log(`    ${p}`);
  return met;
}

/** Prints peak memory of every measured case against the Jacobian's size. */
export function printMemory(all: Measurement[]): void {
  const withPeak = all.filter((m) => m.peakBytes !== undefined);
  if (withPeak.length === 0) return;
  console.log(
    "\nPeak memory of one steady-state call above the resident memory before it (VmHWM after resetting it)," +
      "\nand as a multiple of the Jacobian's m × n doubles (x = peak / Jacobian bytes):",
  );
  const kinds = [...new Set(withPeak.map((m) => m.kind))];
  for (const kind of kinds) {
    const sizes = SIZES[kind];
    const labels = rowsOf(withPeak, kind);
    const w0 = Math.max(...labels.map((l) => l.length), 34) + 2;
    console.log(`\n${TITLES[kind]}`);
    const jac = sizes.map((n) => withPeak.find((m) => m.kind === kind && m.size === n)?.jacobianBytes);
    console.log(pad("Jacobian (m × n doubles)", w0) + jac.map((b) => lpad(fmtBytes(b), 20)).join(""));
    for (const l of labels) {
      const cells = sizes.map((n) => {
        const m = find(withPeak, kind, n, l);
        if (m?.peakBytes === undefined) return "-";
        const x = m.jacobianBytes ? ` (${(m.peakBytes / m.jacobianBytes).toFixed(1)}x)` : "";
        return `${fmtBytes(m.peakBytes)}${x}`;
      });
      console.log(pad(l, w0) + cells.map((c) => lpad(c, 20)).join(""));
    }
    for (const l of labels) {
      const plans = sizes.map((n) => find(withPeak, kind, n, l));
      if (!plans.some((m) => m?.plan !== undefined)) continue;
      const cells = plans.map((m) => {
        if (m?.plan === undefined || !m.jacobianBytes) return "-";
        const total = m.plan.buffers + m.plan.outputs;
        return `${fmtBytes(total)} (${(total / m.jacobianBytes).toFixed(1)}x)`;
      });
      console.log(pad(`  ${l}: plan's buffers + outputs`, w0) + cells.map((c) => lpad(c, 20)).join(""));
    }
  }
}

/** One matmul rate. */
export interface MatmulRate {
  library: string;
  n: number;
  gflops: number;
}

/** GFLOP/s of WebAssembly's f64x2 multiply-add loop on this CPU (null: not available here). */
export interface WasmPeak {
  fused: number | null;
  unfused: number | null;
}

/**
 * Prints matmul GFLOP/s per library and size, with jaclab's best against numpy's and PyTorch's, then the
 * WebAssembly multiply-add peak and the share of it that jaclab's GEMM reaches.
 */
export function printMatmul(rates: MatmulRate[], peak?: WasmPeak): void {
  if (rates.length === 0) return;
  const sizes = [...new Set(rates.map((r) => r.n))].sort((a, b) => a - b);
  const libs = [...new Set(rates.map((r) => r.library))];
  console.log("\nmatmul C = A·B, n×n float64, one thread: GFLOP/s (2n³ / time)");
  const w0 = Math.max(...libs.map((l) => l.length), 30) + 2;
  console.log(pad("library", w0) + sizes.map((n) => lpad(`n=${n}`, 9)).join(""));
  const rate = (lib: string, n: number) => rates.find((r) => r.library === lib && r.n === n)?.gflops;
  for (const lib of libs) {
    console.log(pad(lib, w0) + sizes.map((n) => lpad(rate(lib, n)?.toFixed(1) ?? "-", 9)).join(""));
  }
  const ours = libs.filter((l) => l.startsWith("jaclab"));
  for (const peer of libs.filter((l) => !l.startsWith("jaclab"))) {
    const ratios = sizes.map((n) => {
      const best = Math.max(...ours.map((l) => rate(l, n) ?? 0));
      const theirs = rate(peer, n);
      return theirs === undefined || best === 0 ? "-" : `${(best / theirs).toFixed(2)}x`;
    });
    console.log(pad(`jaclab's best / ${peer}`, w0) + ratios.map((r) => lpad(r, 9)).join(""));
  }
  const top = peak?.fused;
  if (peak === undefined || top === undefined || top === null) return;
  const unfused = peak.unfused === null ? "" : `, ${peak.unfused.toFixed(1)} with a multiply and an add`;
  console.log(
    `WebAssembly f64x2 multiply-add peak on this CPU, one thread (12 register chains, no memory traffic): ` +
      `${top.toFixed(1)} GFLOP/s fused${unfused}`,
  );
  const fused = libs.find((l) => l.includes("relaxed-SIMD"));
  if (fused === undefined) return;
  const shares = sizes.map((n) => {
    const r = rate(fused, n);
    return r === undefined ? "-" : `${((100 * r) / top).toFixed(0)}%`;
  });
  console.log(pad("jaclab's fused GEMM / that peak", w0) + shares.map((s) => lpad(s, 9)).join(""));
}
