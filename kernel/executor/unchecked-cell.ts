// Prepares an unchecked cell (`// @ts-nocheck`): types are stripped, nothing is checked, no program is built.
// The execution process runs this for the cells that go straight to it (unchecked.ts); the language service
// runs it for the others, then looks up their help() documentation.

import ts from "typescript";
import type { ErrorInfo } from "../interpreter.js";
import { diagnosticsToError, inCode } from "./diagnostics.js";
import { emitsUnchanged } from "./plain-js.js";
import { identityMappings } from "./source-map.js";
import { emittedMappings, toPreparedCell, withoutMapComment } from "./prepared-cell.js";
import type { LineMappings, PreparedCell } from "./protocol.js";

/** A prepared cell, or why the cell cannot run. */
export type PrepareResult = { ok: true; cell: PreparedCell } | { ok: false; error: ErrorInfo };

/** How cells are emitted, checked or not (the language service adds libraries and types to check them). */
export const EMIT_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.Preserve,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  strict: true,
  esModuleInterop: true,
  skipLibCheck: true,
  resolveJsonModule: true,
  sourceMap: true,
  newLine: ts.NewLineKind.LineFeed,
};

/** Parses a cell as TypeScript, with parent pointers (the rewrite walks up from nodes). */
export function parseCell(code: string, fileName: string): ts.SourceFile {
  return ts.createSourceFile(fileName, code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
}

/**
 * Strips the types of an unchecked cell (`parsed` is the cell parsed by {@link parseCell}), or gives its
 * syntax error; `toCell` then adds the runtime rewrite, with the documentation of its help() calls.
 */
export function transpileUncheckedCell(
  code: string,
  parsed: ts.SourceFile,
): { ok: true; toCell: (helpDocs: string[]) => PreparedCell } | { ok: false; error: ErrorInfo } {
  if (emitsUnchanged(parsed))
    return { ok: true, toCell: (helpDocs) => toPreparedCell(code, identityMappings(code), helpDocs, parsed) };
  const output = ts.transpileModule(code, {
    compilerOptions: EMIT_OPTIONS,
    fileName: parsed.fileName,
    reportDiagnostics: true,
  });
  const syntactic = (output.diagnostics ?? []).filter((d) => inCode(d, code));
  if (syntactic.length > 0) return { ok: false, error: diagnosticsToError(syntactic, code, "SyntaxError") };
  const js = withoutMapComment(output.outputText);
  const mappings: LineMappings = emittedMappings(output.sourceMapText);
  return { ok: true, toCell: (helpDocs) => toPreparedCell(js, mappings, helpDocs) };
}

/** The JavaScript of an unchecked cell without help() calls, or its syntax error. */
export function prepareUncheckedCell(code: string, parsed: ts.SourceFile): PrepareResult {
  const transpiled = transpileUncheckedCell(code, parsed);
  return transpiled.ok ? { ok: true, cell: transpiled.toCell([]) } : transpiled;
}
