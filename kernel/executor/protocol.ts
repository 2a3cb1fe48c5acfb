// The messages that the main thread and the executor's two worker threads (language, execution) exchange.

import type { MimeBundle } from "../../src/render/mime.js";
import type { CommDoneEvent, CommExecRequest, CommOutput } from "../comms/protocol.js";
import type { CompleteResult, ErrorInfo, InspectResult, IsCompleteResult } from "../interpreter.js";

/** The name of the runtime helper object that the execution worker installs on its global (see transform.ts). */
export const RUNTIME_NAME = "__jaclab";

/** Per generated line, flat triples `[generatedColumn, sourceLine, sourceColumn, ...]` (all zero-based). */
export type LineMappings = number[][];

/** A cell turned into JavaScript the execution worker can run. */
export interface PreparedCell {
  /** An expression that evaluates to a promise of `{ value }` (the last expression's value) or undefined. */
  js: string;
  /** Maps positions in `js` (wrapper included) to cell positions. */
  mappings: LineMappings;
}

/** Requests to the language worker, keyed by method, with their results. */
export interface LanguageMethods {
  warm: { params: Record<string, never>; result: null };
  warmCompletions: { params: Record<string, never>; result: null };
  /** Forgets every cell's declarations (the execution worker was replaced). */
  reset: { params: Record<string, never>; result: null };
  prepare: {
    params: { code: string };
    result: { ok: true; cell: PreparedCell } | { ok: false; error: ErrorInfo };
  };
  /** The names an unchecked cell declares, which the execution process prepared (see unchecked.ts). */
  record: { params: { code: string }; result: null };
  complete: { params: { code: string; cursorPos: number }; result: CompleteResult };
  inspect: { params: { code: string; cursorPos: number }; result: InspectResult };
  isComplete: { params: { code: string }; result: IsCompleteResult };
}

export type LanguageMethod = keyof LanguageMethods;

export interface LanguageRequest<M extends LanguageMethod = LanguageMethod> {
  id: number;
  method: M;
  params: LanguageMethods[M]["params"];
}

export type LanguageResponse =
  { id: number; ok: true; result: unknown } | { id: number; ok: false; message: string; stack?: string };

/** What the main thread asks of the execution worker. */
export type ExecRequest =
  | {
      type: "run";
      cellId: number;
      executionCount: number;
      source: string;
      /** The execute_request's msg_id (widgets' Output.capture routes output by it). */
      msgId: string;
      /** Undefined for an unchecked cell, which the execution worker prepares itself (see unchecked.ts). */
      cell: PreparedCell | undefined;
      silent: boolean;
      allowStdin: boolean;
      userExpressions: Record<string, string>;
    }
  | { type: "interrupt"; cellId: number }
  /** Sent after a termination: the worker repairs Node's async bookkeeping before the next cell. */
  | { type: "recover" }
  | { type: "inputReply"; requestId: number; value?: string; error?: string }
  | CommExecRequest;

/** One output of a cell, delivered to that cell's sink. */
export type CellOutput =
  | { kind: "stream"; name: "stdout" | "stderr"; text: string }
  | { kind: "display"; data: MimeBundle; metadata: Record<string, unknown>; displayId?: string }
  | { kind: "update"; data: MimeBundle; metadata: Record<string, unknown>; displayId: string }
  | { kind: "result"; executionCount: number; data: MimeBundle; metadata: Record<string, unknown> }
  | { kind: "clear"; wait: boolean }
  | CommOutput;

/** What the execution worker tells the main thread. */
export type ExecEvent =
  | { type: "ready" }
  | { type: "output"; cellId: number; output: CellOutput }
  | { type: "input"; cellId: number; requestId: number; prompt: string; password: boolean }
  | { type: "interrupted"; cellId: number }
  | CommDoneEvent
  | {
      type: "done";
      cellId: number;
      /** The cell's execute_result, when it is the last output (one message instead of two). */
      result?: Extract<CellOutput, { kind: "result" }>;
      outcome:
        | { status: "ok"; userExpressions: Record<string, unknown>; payload: Record<string, unknown>[] }
        | ({ status: "error" } & ErrorInfo);
    };
