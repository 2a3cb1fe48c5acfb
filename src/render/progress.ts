// Progress bars: updated in place under one display id in a notebook, on stderr in a plain script.
import { randomUUID } from "node:crypto";
import { currentDisplayHost, type DisplayHost, type MimeBundle } from "./mime.js";
import { escapeHtml } from "./html.js";

/** A running progress bar. */
export interface Progress {
  /** Records `n` more units of work done (default 1). */
  tick(n?: number): void;
  /** Finishes the bar (always shows the final state); later calls do nothing. */
  done(): void;
}

/** Where a progress bar writes, for tests and for callers that want to choose. */
export interface ProgressOptions {
  /** The notebook surface; by default the kernel's, if the code runs in one. `null` forces text. */
  host?: DisplayHost | null;
  /** The text stream used outside a notebook (default `process.stderr`). */
  stream?: {
    /** Writes text (no newline added). */
    write(text: string): unknown;
    /** True on a terminal: the bar then redraws in place; otherwise it prints a line at each quarter. */
    isTTY?: boolean;
  };
  /** The clock in milliseconds (default `performance.now`). */
  now?: () => number;
  /** The least time between two redraws (default 50 ms in a notebook, 100 ms on a terminal). */
  minIntervalMs?: number;
}

/** What a bar shows at one moment. */
interface ProgressState {
  readonly label: string;
  readonly count: number;
  /** NaN (or not positive) when the amount of work is unknown. */
  readonly total: number;
  readonly elapsedMs: number;
  readonly finished: boolean;
}

/**
 * Starts a progress bar for `total` units of work. In a notebook it shows an HTML bar that updates in
 * place (one display id, throttled to one update per 50 ms, and always a last update at `done`);
 * in a plain Node script it writes a text bar on stderr, redrawn with `\r` on a terminal and as a few
 * lines (at each quarter) otherwise.
 */
export function createProgress(total: number, label: string, opts: ProgressOptions = {}): Progress {
  const now = opts.now ?? (() => performance.now());
  const started = now();
  const host = opts.host === undefined ? currentDisplayHost() : (opts.host ?? undefined);
  let count = 0;
  let finished = false;
  const state = (): ProgressState => ({ label, count, total, elapsedMs: now() - started, finished });
  const draw = host ? notebookDrawer(host, opts) : streamDrawer(opts.stream ?? process.stderr, opts);
  draw(state(), true);
  return {
    tick(n = 1) {
      if (finished) return;
      count += n;
      draw(state(), false);
    },
    done() {
      if (finished) return;
      finished = true;
      draw(state(), true);
    },
  };
}

type Drawer = (state: ProgressState, force: boolean) => void;

function notebookDrawer(host: DisplayHost, opts: ProgressOptions): Drawer {
  const displayId = `jaclab-progress-${randomUUID()}`;
  const minInterval = opts.minIntervalMs ?? 50;
  let shown = false;
  let lastDraw = -Infinity;
  return (state, force) => {
    const at = state.elapsedMs;
    if (!force && at - lastDraw < minInterval) return;
    lastDraw = at;
    if (!shown) {
      shown = true;
      host.display(progressBundle(state), displayId);
    } else {
      host.update(progressBundle(state), displayId);
    }
  };
}

function streamDrawer(stream: NonNullable<ProgressOptions["stream"]>, opts: ProgressOptions): Drawer {
  const minInterval = opts.minIntervalMs ?? 100;
  let lastDraw = -Infinity;
  let lastQuarter = -1;
  if (stream.isTTY) {
    return (state, force) => {
      if (!force && state.elapsedMs - lastDraw < minInterval) return;
      lastDraw = state.elapsedMs;
      stream.write(`\r${progressText(state)}\u001b[K${state.finished ? "\n" : ""}`);
    };
  }
  // Not a terminal (a log file, a CI job): a line at the start, at each quarter and at the end.
  return (state) => {
    const fraction = state.total > 0 ? state.count / state.total : 0;
    const quarter = Math.min(Math.floor(fraction * 4), 3);
    if (!state.finished && quarter === lastQuarter) return;
    lastQuarter = quarter;
    stream.write(`${progressText(state)}\n`);
  };
}

/** `label [#########...........] 45/100 45% 1.2 s, about 1.5 s left` */
export function progressText(s: ProgressState): string {
  const width = 24;
  const fraction = knownFraction(s);
  const bar =
    fraction === undefined ? "?".repeat(width) : "#".repeat(Math.round(fraction * width)).padEnd(width, ".");
  return `${s.label} [${bar}] ${countText(s)} ${timeText(s)}`;
}

/** The bar as HTML (a filled div inside a frame) with the same words as the text version. */
export function progressBundle(s: ProgressState): MimeBundle {
  const fraction = knownFraction(s) ?? (s.finished ? 1 : 0);
  const complete = s.finished && (!(s.total > 0) || s.count >= s.total);
  const fill = complete ? "rgb(76, 175, 80)" : s.finished ? "rgb(230, 150, 40)" : "rgb(66, 133, 244)";
  const html =
    `<div class="jaclab-progress" style="font-family: monospace; font-size: 12px; margin: 2px 0">` +
    `<span style="display: inline-block; min-width: 120px; margin-right: 8px">${escapeHtml(s.label)}</span>` +
    `<span style="display: inline-block; width: 240px; height: 10px; vertical-align: middle; ` +
    `background-color: rgb(225, 225, 225); border-radius: 3px; overflow: hidden">` +
    `<span style="display: block; width: ${(fraction * 100).toFixed(1)}%; height: 10px; background-color: ${fill}"></span></span>` +
    `<span style="margin-left: 8px">${escapeHtml(countText(s))}</span>` +
    `<span style="margin-left: 8px; color: rgb(120, 120, 120)">${escapeHtml(timeText(s))}</span></div>`;
  return { "text/plain": progressText(s), "text/html": html };
}

function knownFraction(s: ProgressState): number | undefined {
  return s.total > 0 ? Math.min(1, s.count / s.total) : undefined;
}

function countText(s: ProgressState): string {
  if (!(s.total > 0)) return `${s.count}`;
  return `${s.count}/${s.total} ${Math.floor((100 * s.count) / s.total)}%`;
}

function timeText(s: ProgressState): string {
  const elapsed = durationText(s.elapsedMs);
  if (s.finished) return s.total > 0 && s.count < s.total ? `stopped after ${elapsed}` : `done in ${elapsed}`;
  if (!(s.total > 0) || s.count === 0) return elapsed;
  const left = (s.elapsedMs * (s.total - s.count)) / s.count;
  return `${elapsed}, about ${durationText(left)} left`;
}

/** `340 ms`, `2.3 s`, `4 min 05 s`. */
export function durationText(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, "0")} s`;
}

/** Options for {@link progress}. */
export interface ProgressLoopOptions extends ProgressOptions {
  /** The text before the bar (default "progress"). */
  label?: string;
  /** The number of items when the iterable does not say (arrays, sets and maps do). */
  total?: number;
}

/**
 * Wraps a loop in a progress bar: `for (const i of progress(100, { label: "samples" })) ...` counts
 * 0..99, `for (const x of progress(items)) ...` yields the items; the bar finishes when the loop ends,
 * also by `break` or an exception.
 */
export function progress(count: number, opts?: ProgressLoopOptions): Generator<number>;
export function progress<T>(items: Iterable<T>, opts?: ProgressLoopOptions): Generator<T>;
export function* progress<T>(
  items: Iterable<T> | number,
  opts: ProgressLoopOptions = {},
): Generator<T | number> {
  const source: Iterable<T | number> = typeof items === "number" ? range(items) : items;
  const total = opts.total ?? (typeof items === "number" ? items : sizeHint(items));
  const bar = createProgress(total, opts.label ?? "progress", opts);
  try {
    for (const item of source) {
      yield item;
      bar.tick();
    }
  } finally {
    bar.done();
  }
}

function* range(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i;
}

function sizeHint(items: Iterable<unknown>): number {
  const sized = items as { length?: unknown; size?: unknown };
  if (typeof sized.length === "number") return sized.length;
  if (typeof sized.size === "number") return sized.size;
  return NaN;
}
