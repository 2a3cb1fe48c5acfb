// Adaptive timing for the core benchmark: a time budget per case, batches sized to the case's speed,
// and the median of the per-call times over the batches, by wall clock or by this process's CPU time.
// Both clocks are read around every batch, so a timing also says how many cores the case kept busy.

/** The measured cost of one case. */
export interface Timing {
  /** Median microseconds per call over the batches, by the clock asked for. */
  us: number;
  /** Calls timed in all (warm-up excluded). */
  calls: number;
  /**
   * The process's CPU time over the wall time of the timed batches: about 1 for work on one thread, more
   * when other threads (a runtime's dispatch or compile threads, V8's collector) work alongside.
   */
  cores: number;
}

/** Which clock a timing reads: wall time, or CPU time of this process (robust on a busy, shared machine). */
export type Clock = "wall" | "cpu";

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function now(clock: Clock): number {
  return clock === "wall" ? performance.now() : cpuMs();
}

/**
 * Times `fn` for about `budgetMs` after a warm-up of `warmMs` (default: the budget; at least three calls;
 * V8 optimises hot functions on a background thread, which takes a while on a busy machine), in batches
 * of enough calls to last about a tenth of the budget, and returns the median per-call time.
 */
export function timeCase(fn: () => void, budgetMs = 300, clock: Clock = "wall", warmMs = budgetMs): Timing {
  const warmStart = now(clock);
  let warmCalls = 0;
  let perCall = Infinity;
  while (warmCalls < 3 || now(clock) - warmStart < warmMs) {
    const t = now(clock);
    fn();
    perCall = Math.min(perCall, now(clock) - t);
    warmCalls++;
  }
  perCall = Math.max(perCall, 1e-3);
  const reps = Math.max(1, Math.round(budgetMs / 10 / perCall));
  const samples: number[] = [];
  const start = now(clock);
  const [wall0, cpu0] = [performance.now(), cpuMs()];
  let calls = 0;
  while (samples.length < 3 || (now(clock) - start < budgetMs && samples.length < 50)) {
    const t0 = now(clock);
    for (let r = 0; r < reps; r++) fn();
    samples.push(((now(clock) - t0) * 1000) / reps);
    calls += reps;
  }
  const cores = (cpuMs() - cpu0) / Math.max(performance.now() - wall0, 1e-3);
  samples.sort((a, b) => a - b);
  return { us: samples[samples.length >> 1], calls, cores };
}
