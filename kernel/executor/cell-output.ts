// Attribution of output inside the execution worker: every cell runs in an AsyncLocalStorage context, so
// whatever its code writes (even later, from timers and promises) goes to that cell's ordered output queue.

import { AsyncLocalStorage } from "node:async_hooks";
import type { CellOutput, ExecEvent } from "./protocol.js";

/** The state of one cell while it runs and afterwards, for the output its timers still produce. */
export interface CellContext {
  cellId: number;
  executionCount: number;
  allowStdin: boolean;
  /** Pager payloads gathered by `help()` while the cell runs. */
  payload: Record<string, unknown>[];
  queue: OutputQueue;
  /** Set once the cell's execute has been answered (finished or interrupted). */
  ended: boolean;
}

/** Sends outputs of one cell in the order they were produced, awaiting the ones that are promises. */
export class OutputQueue {
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;

  constructor(
    private readonly cellId: number,
    private readonly post: (event: ExecEvent) => void,
  ) {}

  push(output: CellOutput | Promise<CellOutput | undefined>): void {
    if (this.pending === 0 && !(output instanceof Promise)) {
      this.post({ type: "output", cellId: this.cellId, output });
      return;
    }
    this.pending++;
    this.tail = this.tail.then(async () => {
      try {
        const ready = await output;
        if (ready !== undefined) this.post({ type: "output", cellId: this.cellId, output: ready });
      } catch (error) {
        const text = `Could not display a value: ${error instanceof Error ? error.message : String(error)}\n`;
        this.post({ type: "output", cellId: this.cellId, output: { kind: "stream", name: "stderr", text } });
      } finally {
        this.pending--;
      }
    });
  }

  /** Resolves once every output pushed so far has been sent. */
  flushed(): Promise<void> {
    return this.tail;
  }
}

/** Which cell the running code belongs to. */
export class CellScope {
  private readonly storage = new AsyncLocalStorage<CellContext>();
  /** The most recent cell: the fallback owner of output produced outside any cell's context. */
  private latest: CellContext | undefined;

  run<T>(context: CellContext, body: () => T): T {
    this.latest = context;
    return this.storage.run(context, body);
  }

  current(): CellContext | undefined {
    return this.storage.getStore() ?? this.latest;
  }

  /**
   * Turns async-context tracking off until the next `run` (contexts already stored on timers and promises
   * survive). Called from inside a busy cell just before the main thread terminates it, because terminating
   * JavaScript while async hooks are on leaves Node's async-id stack unbalanced and Node aborts.
   */
  suspend(): void {
    this.storage.disable();
  }
}

/** Above this many characters, merged stream text is sent at once. */
const MERGE_LIMIT_CHARS = 64 * 1024;
/** Merged stream text never waits longer than this for a later write to send it. */
const MERGE_LIMIT_MS = 20;

/**
 * The execution worker's side of postMessage, which merges bursts of stream text: the first write after a
 * pause is sent at once, and the writes that follow it in the same turn of the event loop (a loop of
 * `console.log`, say) travel as one message when the turn ends. Every other event first sends the merged
 * text, so the main thread sees all events in the order they happened.
 */
export class BatchedPost {
  private merged: { cellId: number; name: "stdout" | "stderr"; text: string; since: number } | undefined;
  /** Set from a write until the end of its event-loop turn: later writes then merge. */
  private inBurst = false;

  constructor(private readonly postMessage: (event: ExecEvent) => void) {}

  /** Sends `event` (merging stream text into a burst); bind-free, so it can be passed around as a function. */
  readonly post = (event: ExecEvent): void => {
    if (event.type !== "output" || event.output.kind !== "stream") {
      this.flush();
      this.postMessage(event);
      return;
    }
    const { cellId } = event;
    const { name, text } = event.output;
    const merged = this.merged;
    if (merged !== undefined && merged.cellId === cellId && merged.name === name) {
      merged.text += text;
      if (merged.text.length >= MERGE_LIMIT_CHARS || performance.now() - merged.since >= MERGE_LIMIT_MS)
        this.flush();
      return;
    }
    this.flush();
    if (!this.inBurst) {
      this.inBurst = true;
      setImmediate(this.endBurst);
      this.postMessage(event);
      return;
    }
    this.merged = { cellId, name, text, since: performance.now() };
  };

  /** Sends the merged text now. */
  flush(): void {
    const merged = this.merged;
    if (merged === undefined) return;
    this.merged = undefined;
    const { cellId, name, text } = merged;
    this.postMessage({ type: "output", cellId, output: { kind: "stream", name, text } });
  }

  private readonly endBurst = (): void => {
    this.inBurst = false;
    this.flush();
  };
}
