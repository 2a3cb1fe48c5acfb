// Finds repeated structure in a forward graph: linear chains of ops, the blocks that repeat along a
// chain (an MLP's layers), and parallel chains that do the same thing side by side.
import { adjacency, topologicalOrder, type Adjacency, type GraphModel, type GraphNode } from "./model.js";

/** A block of `period` ops repeated `count` times back to back along a chain, from `start`. */
export interface RepeatRun {
  /** Node ids of the whole run, in chain order (count * period of them, plus `tail`). */
  nodeIds: string[];
  period: number;
  /** Complete repetitions. */
  count: number;
  /** Ops of an incomplete last block after the complete ones (0 when the run ends on a block). */
  tail: number;
}

// Longer blocks than this are not searched for: layers of real models are a handful of ops.
const maxPeriod = 12;

/** The identity of an op for repeat detection: its label and params. */
export function signature(node: GraphNode): string {
  return `${node.label}|${node.detail ?? ""}`;
}

/**
 * Splits the ops into maximal linear chains: u -> v is a link when u is an op whose every forward
 * successor edge goes to the op v, and u is the deepest such operand of v (ties, as when several equal
 * branches meet in a stack, make no link). Single ops are chains of length 1.
 */
export function linearChains(model: GraphModel, adj: Adjacency = adjacency(model, ["forward"])): string[][] {
  const ops = new Map(model.nodes.filter((n) => n.kind === "op").map((n) => [n.id, n]));
  const depth = new Map<string, number>();
  for (const id of topologicalOrder(model)) {
    const preds = (adj.preds.get(id) ?? []).map((e) => depth.get(e.from) ?? 0);
    depth.set(id, (ops.has(id) ? 1 : 0) + Math.max(0, ...preds));
  }
  const next = new Map<string, string>();
  const prev = new Map<string, string>();
  for (const v of ops.keys()) {
    const candidates = [
      ...new Set(
        (adj.preds.get(v) ?? [])
          .map((e) => e.from)
          .filter((u) => ops.has(u) && (adj.succs.get(u) ?? []).every((e) => e.to === v)),
      ),
    ];
    if (candidates.length === 0) continue;
    const deepest = Math.max(...candidates.map((u) => depth.get(u) ?? 0));
    const best = candidates.filter((u) => depth.get(u) === deepest);
    if (best.length !== 1) continue;
    next.set(best[0], v);
    prev.set(v, best[0]);
  }
  const chains: string[][] = [];
  for (const id of ops.keys()) {
    if (prev.has(id)) continue;
    const chain = [id];
    for (let at = next.get(id); at !== undefined; at = next.get(at)) chain.push(at);
    chains.push(chain);
  }
  return chains;
}

/** The run covering the most ops in `sigs` (ties: shorter period), or undefined when nothing repeats. */
function bestRun(
  sigs: string[],
  minCount: (period: number) => number,
  allowTail: boolean,
): (Omit<RepeatRun, "nodeIds"> & { start: number }) | undefined {
  let best: (Omit<RepeatRun, "nodeIds"> & { start: number; covered: number }) | undefined;
  for (let period = 1; period <= Math.min(maxPeriod, Math.floor(sigs.length / 2)); period++) {
    let i = 0;
    while (i + period < sigs.length) {
      // Length of the stretch where every op equals the op one period later.
      let matches = 0;
      while (i + matches + period < sigs.length && sigs[i + matches] === sigs[i + matches + period])
        matches++;
      if (matches === 0) {
        i++;
        continue;
      }
      const length = matches + period;
      const count = Math.floor(length / period);
      const tail = allowTail && period > 2 && length % period >= period - 1 ? length % period : 0;
      const covered = count * period + tail;
      const enough = count >= minCount(period) || (tail > 0 && count + 1 >= minCount(period));
      if (enough && (best === undefined || covered > best.covered))
        best = { start: i, period, count, tail, covered };
      i += matches;
    }
  }
  return best;
}

/**
 * Finds non-overlapping repeated runs along a chain of node ids, largest first, then recursively in
 * what is left on either side. `minCount(period)` is the fewest repetitions worth marking; with
 * `allowTail` an incomplete last block (all but at most one op of it) counts as a repetition.
 */
export function findRuns(
  chain: string[],
  byId: ReadonlyMap<string, GraphNode>,
  minCount: (period: number) => number,
  allowTail = false,
): RepeatRun[] {
  const sigs = chain.map((id) => signature(byId.get(id) as GraphNode));
  const found = bestRun(sigs, minCount, allowTail);
  if (found === undefined) return [];
  const end = found.start + found.count * found.period + found.tail;
  return [
    ...findRuns(chain.slice(0, found.start), byId, minCount, allowTail),
    { nodeIds: chain.slice(found.start, end), period: found.period, count: found.count, tail: found.tail },
    ...findRuns(chain.slice(end), byId, minCount, allowTail),
  ];
}

/**
 * Groups chains that do the same thing side by side: the same op labels in the same order, fed by the
 * same nodes and feeding the same nodes (e.g. one function mapped over the rows of a matrix and
 * stacked). Returns groups of at least `minGroup` chains.
 */
export function parallelChains(model: GraphModel, chains: string[][], minGroup = 3): string[][][] {
  const adj = adjacency(model, ["forward"]);
  const byId = new Map(model.nodes.map((n) => [n.id, n]));
  const groups = new Map<string, string[][]>();
  for (const chain of chains) {
    const members = new Set(chain);
    const outside = (ids: string[]) => [...new Set(ids.filter((id) => !members.has(id)))].sort().join(",");
    // A constant used only by this chain (a literal like the 2 in x.mul(2)) counts by its label.
    const isPrivateConstant = (id: string) =>
      byId.get(id)?.kind === "constant" && (adj.succs.get(id) ?? []).every((e) => members.has(e.to));
    const preds = chain.flatMap((id) => (adj.preds.get(id) ?? []).map((e) => e.from));
    const constants = preds.filter(isPrivateConstant).map((id) => (byId.get(id) as GraphNode).label);
    const sources = `${outside(preds.filter((id) => !isPrivateConstant(id)))}|${constants.join(",")}`;
    const sinks = outside(chain.flatMap((id) => (adj.succs.get(id) ?? []).map((e) => e.to)));
    const labels = chain.map((id) => (byId.get(id) as GraphNode).label).join(">");
    const key = `${labels}#${sources}#${sinks}`;
    groups.set(key, [...(groups.get(key) ?? []), chain]);
  }
  return [...groups.values()].filter((g) => g.length >= minGroup);
}
