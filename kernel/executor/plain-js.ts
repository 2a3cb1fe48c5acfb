// Recognises cells that TypeScript's emitter would hand back unchanged (plain JavaScript within the ES2022
// target, no imports or exports to elide), so that they skip the emitter: its fixed cost per call (a program,
// a checker, the transformer chain, a printer with source maps) is most of the time of a trivial cell.

import ts from "typescript";
import { inCode } from "./diagnostics.js";
import { OTHER_LINE_TERMINATORS } from "./source-map.js";

/**
 * The parser's own summary of what the emit transforms would have to do, computed bottom-up as it builds the
 * tree (`Node.transformFlags`, not in the public typings): TypeScript syntax, JSX, syntax newer than the
 * ES2022 target, decorators. Values from `ts.TransformFlags`.
 */
const NEEDS_EMIT =
  1 /* ContainsTypeScript */ |
  2 /* ContainsJsx */ |
  4 /* ContainsESNext */ |
  (1 << 25); /* ContainsDecorators */

interface ParserInternals {
  transformFlags?: unknown;
  parseDiagnostics?: unknown;
}

/** Whether a statement is an import or export, which the emitter may elide or rewrite. */
function isModuleSyntax(statement: ts.Statement): boolean {
  if (
    ts.isImportDeclaration(statement) ||
    ts.isImportEqualsDeclaration(statement) ||
    ts.isExportDeclaration(statement) ||
    ts.isExportAssignment(statement)
  )
    return true;
  const modifiers = ts.canHaveModifiers(statement) ? ts.getModifiers(statement) : undefined;
  return modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword) === true;
}

/**
 * True when emitting `parsed` (a cell parsed as TypeScript, with parent pointers) would only reprint it, so
 * the cell's own text can run as its JavaScript. False whenever that cannot be told (a parse error, or a
 * TypeScript version without the parser's flags), so the caller then uses the emitter as before.
 */
export function emitsUnchanged(parsed: ts.SourceFile): boolean {
  // Lines are counted at "\n" only here, but at every JavaScript line terminator by V8.
  if (OTHER_LINE_TERMINATORS.test(parsed.text)) return false;
  const internals = parsed as unknown as ParserInternals;
  const diagnostics = internals.parseDiagnostics;
  if (!Array.isArray(diagnostics) || diagnostics.length > 0) return false;
  let flags = 0;
  for (const statement of parsed.statements) {
    const statementFlags = (statement as unknown as ParserInternals).transformFlags;
    if (typeof statementFlags !== "number" || isModuleSyntax(statement)) return false;
    flags |= statementFlags;
  }
  return (flags & NEEDS_EMIT) === 0;
}

/**
 * Whether the parser reported an error inside the cell's code: the syntax errors the transpiler would
 * report. False when that cannot be told (a TypeScript version without the parser's list).
 */
export function hasParseErrors(parsed: ts.SourceFile, code: string): boolean {
  const diagnostics = (parsed as unknown as ParserInternals).parseDiagnostics;
  return Array.isArray(diagnostics) && (diagnostics as ts.Diagnostic[]).some((d) => inCode(d, code));
}
