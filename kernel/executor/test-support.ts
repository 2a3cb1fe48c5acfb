// Test helpers: a recording OutputSink and a one-call way to run a cell through a real interpreter.

import { after, before } from "node:test";
import type { ExecuteOutcome, Interpreter, MimeBundle, OutputSink } from "../interpreter.js";
import { createInterpreter } from "./index.js";
import { StdinNotAllowedError } from "../errors.js";

/** One recorded sink call. */
export type Recorded =
  | { kind: "stream"; name: "stdout" | "stderr"; text: string }
  | { kind: "display"; data: MimeBundle; displayId?: string }
  | { kind: "update"; data: MimeBundle; displayId: string }
  | { kind: "result"; executionCount: number; data: MimeBundle }
  | { kind: "clear"; wait: boolean }
  | { kind: "input"; prompt: string; password: boolean };

/** An OutputSink that records every call; `inputRequest` answers from a queue or rejects. */
export class RecordingSink implements OutputSink {
  readonly outputs: Recorded[] = [];

  constructor(private readonly answers: string[] | undefined = undefined) {}

  stream(name: "stdout" | "stderr", text: string): void {
    this.outputs.push({ kind: "stream", name, text });
  }

  displayData(data: MimeBundle, _metadata: Record<string, unknown>, displayId?: string): void {
    this.outputs.push({ kind: "display", data, displayId });
  }

  updateDisplayData(data: MimeBundle, _metadata: Record<string, unknown>, displayId: string): void {
    this.outputs.push({ kind: "update", data, displayId });
  }

  executeResult(executionCount: number, data: MimeBundle): void {
    this.outputs.push({ kind: "result", executionCount, data });
  }

  clearOutput(wait: boolean): void {
    this.outputs.push({ kind: "clear", wait });
  }

  inputRequest(prompt: string, password: boolean): Promise<string> {
    this.outputs.push({ kind: "input", prompt, password });
    const answer = this.answers?.shift();
    return answer === undefined
      ? Promise.reject(new StdinNotAllowedError("stdin is not allowed"))
      : Promise.resolve(answer);
  }

  /** Everything written to one stream, concatenated. */
  text(name: "stdout" | "stderr"): string {
    return this.outputs
      .filter(
        (output): output is Extract<Recorded, { kind: "stream" }> =>
          output.kind === "stream" && output.name === name,
      )
      .map((output) => output.text)
      .join("");
  }

  /** The text/plain of the execute_result, if there was one. */
  result(): string | undefined {
    const result = this.outputs.find((output) => output.kind === "result");
    return result === undefined ? undefined : String((result as { data: MimeBundle }).data["text/plain"]);
  }
}

let executionCount = 0;

/** Runs one cell and returns its outcome with the sink that recorded its output. */
export async function run(
  interpreter: Interpreter,
  code: string,
  options: {
    allowStdin?: boolean;
    answers?: string[];
    userExpressions?: Record<string, string>;
    /** A sink to record into, for tests that watch output while the cell runs. */
    sink?: RecordingSink;
  } = {},
): Promise<{ outcome: ExecuteOutcome; sink: RecordingSink }> {
  const sink = options.sink ?? new RecordingSink(options.answers);
  const outcome = await interpreter.execute(
    {
      code,
      silent: false,
      storeHistory: true,
      allowStdin: options.allowStdin ?? false,
      userExpressions: options.userExpressions ?? {},
      executionCount: ++executionCount,
    },
    sink,
  );
  return { outcome, sink };
}

/** One interpreter for a test file's tests: started before the first, shut down after the last. */
export function sharedInterpreter(): Interpreter {
  const interpreter = createInterpreter();
  before(() => interpreter.start());
  after(() => interpreter.shutdown());
  return interpreter;
}
