// Keeps the language worker's memory flat over thousands of cells. Two things made the kernel process grow
// well after start-up, both measured on 5,000-cell soaks (issue 10):
// - TurboFan optimising TypeScript's `createTypeChecker` (its body is the whole checker; it runs once per
//   cell and turns hot a few hundred cells in) took 2-3 s and 60-115 MB of malloc'd compiler zone memory
//   in a background thread, which glibc often kept afterwards: a one-time RSS step.
// - Every cell's program dies in the old generation, and V8's default compaction only evacuates nearly
//   empty pages, a few MB per GC, so the old space drifted from 1.2 to 1.8 times its live bytes over ~2,000
//   cells (committed 88 -> 131 MB for 70-74 MB used).
// V8 flags are per process; the kernel process runs no other TypeScript, and its main isolate is small.

import v8 from "node:v8";
import { constants, PerformanceObserver, type PerformanceEntry } from "node:perf_hooks";

/** The TypeScript function kept off TurboFan (V8's `--turbo-filter` takes one name; `-` excludes it). */
const UNOPTIMISED_FUNCTION = "createTypeChecker";

/** Old-space size over its used bytes after a full GC above which the next full GC compacts everything. */
const FRAGMENTATION_LIMIT = 1.3;

/** Whether a full GC that left `old` should make the next one compact all of the old space. */
function isFragmented(old: Pick<v8.HeapSpaceInfo, "space_size" | "space_used_size">): boolean {
  return old.space_size > FRAGMENTATION_LIMIT * old.space_used_size;
}

/** Whether a `gc` performance entry is a full (mark-compact) collection. */
function isMajorGc(entry: PerformanceEntry): boolean {
  const { detail } = entry as PerformanceEntry & { detail?: { kind?: number } };
  return detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR;
}

/**
 * Applies both measures; the language worker calls it at start-up. Compacting the whole old space costs a
 * longer pause (it moves every live object), so it is switched on only for the full GC after one that left
 * the old space fragmented, and off again after one that did not.
 */
export function keepLanguageMemoryFlat(): void {
  v8.setFlagsFromString(`--turbo-filter=-${UNOPTIMISED_FUNCTION}`);
  let compacting = false;
  const observer = new PerformanceObserver((list) => {
    if (!list.getEntries().some(isMajorGc)) return;
    const old = v8.getHeapSpaceStatistics().find((space) => space.space_name === "old_space");
    if (old === undefined) return;
    const fragmented = isFragmented(old);
    if (fragmented === compacting) return;
    compacting = fragmented;
    v8.setFlagsFromString(fragmented ? "--compact-on-every-full-gc" : "--no-compact-on-every-full-gc");
  });
  observer.observe({ entryTypes: ["gc"] });
}
