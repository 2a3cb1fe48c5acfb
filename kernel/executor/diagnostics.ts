// Turns TypeScript diagnostics of a cell into a Jupyter error: cell line and column, the quoted line, a caret.

import ts from "typescript";
import type { ErrorInfo } from "../interpreter.js";

/** Formats the diagnostics that fall inside the user's code (the first `codeLength` characters). */
export function diagnosticsToError(
  diagnostics: readonly ts.Diagnostic[],
  code: string,
  ename: "SyntaxError" | "TSError",
): ErrorInfo {
  const lines = code.split("\n");
  const traceback: string[] = [];
  const messages: string[] = [];
  for (const diagnostic of diagnostics) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
    const where = positionOf(code, diagnostic.start ?? 0);
    messages.push(message);
    const lineText = (lines[where.line] ?? "").replace(/\r$/, "");
    traceback.push(
      `Cell line ${where.line + 1}, column ${where.column + 1}: error TS${diagnostic.code}: ${message}`,
      `    ${lineText}`,
      `    ${" ".repeat(caretIndent(lineText, where.column))}${"^".repeat(caretWidth(lineText, where.column, diagnostic.length))}`,
    );
  }
  return { ename, evalue: messages[0] ?? "the cell does not compile", traceback };
}

/** Line and column (zero-based, the column in code points) of a UTF-16 offset. */
function positionOf(code: string, offset: number): { line: number; column: number } {
  const before = code.slice(0, offset);
  const line = before.split("\n").length - 1;
  const lineStart = before.lastIndexOf("\n") + 1;
  return { line, column: [...code.slice(lineStart, offset)].length };
}

/** Keeps tabs in the caret line so the caret lands under the right character. */
function caretIndent(lineText: string, column: number): number {
  return [...lineText].slice(0, column).length;
}

function caretWidth(lineText: string, column: number, length: number | undefined): number {
  const rest = [...lineText].length - column;
  return Math.max(1, Math.min(length ?? 1, rest));
}

/** Untyped packages are fine in a notebook: they are `any`, not an error (TS7016). */
const IGNORED_DIAGNOSTICS = new Set([7016]);

/** Whether a diagnostic of the cell's file counts: it is in the user's code (not the appended export list). */
export function inCode(diagnostic: ts.Diagnostic, code: string): boolean {
  if (IGNORED_DIAGNOSTICS.has(diagnostic.code)) return false;
  return diagnostic.start === undefined || diagnostic.start < code.length;
}
