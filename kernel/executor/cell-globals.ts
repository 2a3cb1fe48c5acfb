// The kernel's globals inside the execution worker: display (and its typed variants), updateDisplay,
// clearOutput, help and input, the DisplayHost the core's live outputs use, and the console/process patches
// that route output to the cell that wrote it.

import { Console } from "node:console";
import type { DisplayHost, MimeBundle } from "../../src/render/mime.js";
import { plainText, toMimeBundle } from "./bundle.js";
import type { CellContext, CellScope } from "./cell-output.js";
import type { ExecEvent } from "./protocol.js";
import { KeyboardInterrupt, ProcessExitRefusedError, StdinNotAllowedError } from "../errors.js";

interface DisplayOptions {
  id?: string;
}

interface PendingInput {
  cellId: number;
  resolve: (value: string) => void;
  reject: (error: Error) => void;
}

/** Installs the cell globals and output routing on the worker's global object. */
export class CellGlobals {
  private readonly pendingInputs = new Map<number, PendingInput>();
  private nextInputId = 1;

  constructor(
    private readonly scope: CellScope,
    private readonly post: (event: ExecEvent) => void,
  ) {}

  install(): void {
    const target = globalThis as Record<string | symbol, unknown>;
    const display = Object.assign(
      (value: unknown, options?: DisplayOptions) => this.display(value, options),
      {
        html: (html: string, options?: DisplayOptions) =>
          this.displayBundle({ "text/html": String(html) }, options),
        markdown: (text: string, options?: DisplayOptions) =>
          this.displayBundle({ "text/markdown": String(text) }, options),
        latex: (text: string, options?: DisplayOptions) =>
          this.displayBundle({ "text/latex": String(text) }, options),
        svg: (svg: string, options?: DisplayOptions) =>
          this.displayBundle({ "image/svg+xml": String(svg) }, options),
        png: (png: Uint8Array | string, options?: DisplayOptions) =>
          this.displayBundle(
            { "image/png": typeof png === "string" ? png : Buffer.from(png).toString("base64") },
            options,
          ),
        json: (value: unknown, options?: DisplayOptions) =>
          this.displayBundle({ "application/json": value }, options),
      },
    );
    const globals: Record<string, unknown> = {
      display,
      updateDisplay: (id: string, value: unknown) => this.update(id, value),
      clearOutput: (options?: { wait?: boolean }) =>
        this.emit({ kind: "clear", wait: options?.wait === true }),
      help: (value: unknown, documentation?: string) => this.help(value, documentation),
      input: (prompt?: string, options?: { password?: boolean }) =>
        this.input(prompt ?? "", options?.password === true),
    };
    for (const [name, value] of Object.entries(globals)) {
      Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: false });
    }
    const host: DisplayHost = {
      display: (bundle: MimeBundle, displayId?: string) => this.displayBundle(bundle, { id: displayId }),
      update: (bundle: MimeBundle, displayId: string) =>
        this.emit({ kind: "update", data: bundle, metadata: {}, displayId }),
    };
    target[Symbol.for("jaclab.displayHost")] = host;
    this.routeStreams();
    process.exit = ((code?: number) => {
      throw new ProcessExitRefusedError(
        `process.exit(${code ?? ""}) was refused: it would stop the kernel. Restart the kernel from the notebook instead.`,
      );
    }) as typeof process.exit;
    process.abort = (() => {
      throw new ProcessExitRefusedError("process.abort() was refused: it would stop the kernel.");
    }) as typeof process.abort;
  }

  /** Answers an input_request of the main thread. */
  resolveInput(requestId: number, value: string | undefined, error: string | undefined): void {
    const pending = this.pendingInputs.get(requestId);
    if (pending === undefined) return;
    this.pendingInputs.delete(requestId);
    if (error !== undefined) pending.reject(new StdinNotAllowedError(error));
    else pending.resolve(value ?? "");
  }

  /** Fails the inputs a cell is waiting for, when that cell is interrupted. */
  interruptInputs(cellId: number): void {
    for (const [requestId, pending] of this.pendingInputs) {
      if (pending.cellId !== cellId) continue;
      this.pendingInputs.delete(requestId);
      pending.reject(new KeyboardInterrupt("input() was interrupted"));
    }
  }

  /** Writes text to a cell's stdout or stderr. */
  write(name: "stdout" | "stderr", text: string, context = this.scope.current()): void {
    if (context === undefined) {
      (name === "stdout" ? this.originalStdout : this.originalStderr)(text);
      return;
    }
    context.queue.push({ kind: "stream", name, text });
  }

  private originalStdout: (text: string) => void = (text) => void text;
  private originalStderr: (text: string) => void = (text) => void text;

  private routeStreams(): void {
    const stdoutWrite = process.stdout.write.bind(process.stdout);
    const stderrWrite = process.stderr.write.bind(process.stderr);
    this.originalStdout = (text) => void stdoutWrite(text);
    this.originalStderr = (text) => void stderrWrite(text);
    const patch = (stream: NodeJS.WriteStream, name: "stdout" | "stderr"): void => {
      stream.write = ((chunk: string | Uint8Array, encoding?: unknown, callback?: unknown) => {
        const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
        this.write(name, text);
        const done = typeof encoding === "function" ? encoding : callback;
        if (typeof done === "function") queueMicrotask(() => (done as () => void)());
        return true;
      }) as typeof stream.write;
    };
    patch(process.stdout, "stdout");
    patch(process.stderr, "stderr");
    const console = new Console({ stdout: process.stdout, stderr: process.stderr, colorMode: false });
    Object.defineProperty(globalThis, "console", { value: console, writable: true, configurable: true });
  }

  private emit(output: Parameters<CellContext["queue"]["push"]>[0]): void {
    const context = this.scope.current();
    if (context === undefined) return;
    context.queue.push(output);
  }

  private display(value: unknown, options: DisplayOptions | undefined): void {
    const displayId = options?.id;
    this.emit(
      toMimeBundle(value).then((data) => ({ kind: "display" as const, data, metadata: {}, displayId })),
    );
  }

  private displayBundle(data: MimeBundle, options: DisplayOptions | undefined): void {
    this.emit({ kind: "display", data, metadata: {}, displayId: options?.id });
  }

  private update(displayId: string, value: unknown): void {
    this.emit(
      toMimeBundle(value).then((data) => ({ kind: "update" as const, data, metadata: {}, displayId })),
    );
  }

  private help(value: unknown, documentation: string | undefined): void {
    const text = documentation ?? describeValue(value);
    const context = this.scope.current();
    if (context === undefined || context.ended) {
      this.write("stdout", `${text}\n`, context);
      return;
    }
    context.payload.push({ source: "page", data: { "text/plain": text }, start: 0 });
  }

  private input(prompt: string, password: boolean): Promise<string> {
    const context = this.scope.current();
    if (context === undefined || !context.allowStdin || context.ended) {
      return Promise.reject(
        new StdinNotAllowedError(
          "input() cannot ask for text: this request does not allow stdin (allow_stdin is false).",
        ),
      );
    }
    const requestId = this.nextInputId++;
    return new Promise<string>((resolve, reject) => {
      this.pendingInputs.set(requestId, { cellId: context.cellId, resolve, reject });
      this.post({ type: "input", cellId: context.cellId, requestId, prompt: String(prompt), password });
    });
  }
}

/** Documentation of a value known only at run time: a function's signature line, else its inspected form. */
function describeValue(value: unknown): string {
  if (typeof value === "function") {
    const source = Function.prototype.toString.call(value);
    const header = source.slice(0, source.indexOf("{") > 0 ? source.indexOf("{") : undefined).trim();
    return header === "" ? plainText(value) : header;
  }
  return plainText(value);
}
