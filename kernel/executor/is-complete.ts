// Decides whether a cell is ready to run (Jupyter's is_complete): unclosed brackets, strings or comments mean
// "incomplete"; other syntax errors mean "invalid".

import ts from "typescript";
import type { IsCompleteResult } from "../interpreter.js";

const INDENT_UNIT = "  ";

/** Classifies `code` with the TypeScript scanner and parser. */
export function isCodeComplete(code: string): IsCompleteResult {
  if (code.trim() === "") return { status: "complete" };
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, code);
  const open: ts.SyntaxKind[] = [];
  let unterminated = false;
  let token = scanner.scan();
  while (token !== ts.SyntaxKind.EndOfFileToken) {
    if (scanner.isUnterminated()) unterminated = true;
    switch (token) {
      case ts.SyntaxKind.OpenBraceToken:
      case ts.SyntaxKind.OpenParenToken:
      case ts.SyntaxKind.OpenBracketToken:
        open.push(token);
        break;
      case ts.SyntaxKind.TemplateHead:
        open.push(token);
        break;
      case ts.SyntaxKind.CloseBraceToken:
        if (open.at(-1) === ts.SyntaxKind.TemplateHead) {
          // The brace ends a template substitution: rescan to find the template's continuation.
          token = scanner.reScanTemplateToken(false);
          if (scanner.isUnterminated()) unterminated = true;
          if (token === ts.SyntaxKind.TemplateTail) open.pop();
          break;
        }
        if (open.pop() !== ts.SyntaxKind.OpenBraceToken) return { status: "invalid" };
        break;
      case ts.SyntaxKind.CloseParenToken:
        if (open.pop() !== ts.SyntaxKind.OpenParenToken) return { status: "invalid" };
        break;
      case ts.SyntaxKind.CloseBracketToken:
        if (open.pop() !== ts.SyntaxKind.OpenBracketToken) return { status: "invalid" };
        break;
      case ts.SyntaxKind.SlashToken:
      case ts.SyntaxKind.SlashEqualsToken:
        // A regular expression literal where an operand is expected; the scanner cannot know, so try it.
        if (expectsOperand(scanner)) scanner.reScanSlashToken();
        break;
    }
    token = scanner.scan();
  }
  if (unterminated || open.length > 0) {
    return { status: "incomplete", indent: INDENT_UNIT.repeat(open.length) };
  }
  const file = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  // parseDiagnostics is not in the public typings, but every parsed SourceFile carries it.
  const diagnostics = (file as unknown as { parseDiagnostics?: readonly ts.Diagnostic[] }).parseDiagnostics;
  if (diagnostics === undefined) return { status: "unknown" };
  return diagnostics.length === 0 ? { status: "complete" } : { status: "invalid" };
}

function expectsOperand(scanner: ts.Scanner): boolean {
  const before = scanner.getText().slice(0, scanner.getTokenStart()).trimEnd();
  const previous = before.at(-1);
  return previous === undefined || "(,=:[!&|?{};+-*%<>~^".includes(previous);
}
