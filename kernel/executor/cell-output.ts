// Attribution of output inside the execution worker: every cell runs in an AsyncLocalStorage context, so
// whatever its code writes (even later, from timers and promises) goes to that cell's ordered output queue.

import { AsyncLocalStorage } from "node:async_hooks";
import type { CellOutput, ExecEvent } from "./protocol.js";

/** The state of one cell while it runs and afterwards, for the output its timers still produce. */
export interface CellContext {
  cellId: number;
  executionCount: number;
  /** The msg_id of the request being served (an execute_request, or a frontend's comm message). */
  msgId: string;
  allowStdin: boolean;
  /** Pager payloads gathered by `help()` while the cell runs. */
  payload: Record<string, unknown>[];
  queue: OutputPort;
  /** Set once the cell's execute has been answered (finished or interrupted). */
  ended: boolean;
  /** Set when an interrupt answered the cell while it awaited: its code must not go on past that await. */
  interrupted?: boolean;
}

/** Where a context's outputs go, in order; a promise holds back the outputs pushed after it until it settles. */
export interface OutputPort {
  push(output: CellOutput | Promise<CellOutput | undefined>): void;
  /** Resolves once every output pushed so far (and any pushed while it waits) has been delivered. */
  flushed(): Promise<void>;
}

/** The stderr text that stands in for an output whose value could not be rendered. */
function displayFailure(error: unknown): CellOutput {
  const text = `Could not display a value: ${error instanceof Error ? error.message : String(error)}\n`;
  return { kind: "stream", name: "stderr", text };
}

/** Outputs in the order they were produced, awaiting the ones that are promises; subclasses deliver them. */
export abstract class OrderedOutputs implements OutputPort {
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;

  push(output: CellOutput | Promise<CellOutput | undefined>): void {
    if (this.pending === 0 && !(output instanceof Promise)) {
      this.deliver(output);
      return;
    }
    this.pending++;
    this.tail = this.tail.then(async () => {
      try {
        const ready = await output;
        if (ready !== undefined) this.deliver(ready);
      } catch (error) {
        this.deliver(displayFailure(error));
      } finally {
        this.pending--;
      }
    });
  }

  /** Resolves once every output pushed so far has been delivered, and those pushed meanwhile too. */
  async flushed(): Promise<void> {
    while (this.pending > 0) await this.tail;
  }

  protected abstract deliver(output: CellOutput): void;
}

/** Sends outputs of one cell to the main thread in the order they were produced. */
export class OutputQueue extends OrderedOutputs {
  constructor(
    private readonly cellId: number,
    private readonly post: (event: ExecEvent) => void,
  ) {
    super();
  }

  protected deliver(output: CellOutput): void {
    this.post({ type: "output", cellId: this.cellId, output });
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

  /** Like `run`, but leaves the fallback owner alone (a frontend's comm message must not catch stray output). */
  runDetached<T>(context: CellContext, body: () => T): T {
    return this.storage.run(context, body);
  }

  current(): CellContext | undefined {
    return this.storage.getStore() ?? this.latest;
  }

  /** The cell whose async chain the running code continues, if any (no fallback to the latest cell). */
  owner(): CellContext | undefined {
    return this.storage.getStore();
  }

  /** Whether code of a cell is running right now (and not just the event loop, waiting). */
  running(): boolean {
    return this.storage.getStore() !== undefined;
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
