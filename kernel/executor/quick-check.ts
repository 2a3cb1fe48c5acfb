// Type-checks a cell that declares nothing (`f(x)`, `display(y)`, a loop) with the checker of the program the
// language service already has, instead of building a new program for it. A new program means a new checker,
// which merges the global declarations of every file again (@types/node, the libraries, the core's typings):
// that is most of the time of a trivial checked cell. A cell with no declarations, imports or directives
// changes nothing another cell could see, so checking it alone against the existing globals gives the
// diagnostics the full program would give.

import ts from "typescript";
import { emitsUnchanged } from "./plain-js.js";

/** The parts of the checker and binder this relies on (present in TypeScript 5 and 6, not in the typings). */
interface CheckerInternals {
  getDiagnostics(file: ts.SourceFile): readonly ts.Diagnostic[];
}
interface TypeScriptInternals {
  bindSourceFile(file: ts.SourceFile, options: ts.CompilerOptions): void;
  getSetExternalModuleIndicator(options: ts.CompilerOptions): (file: ts.SourceFile) => void;
}
interface SourceFileInternals {
  parseDiagnostics?: readonly ts.Diagnostic[];
  bindDiagnostics?: readonly ts.Diagnostic[];
}

const internals = ts as unknown as Partial<TypeScriptInternals>;

/** Statements with no top-level declaration of their own (a `var` inside them is ruled out below). */
const STATEMENT_KINDS = new Set([
  ts.SyntaxKind.ExpressionStatement,
  ts.SyntaxKind.EmptyStatement,
  ts.SyntaxKind.IfStatement,
  ts.SyntaxKind.ForStatement,
  ts.SyntaxKind.ForOfStatement,
  ts.SyntaxKind.ForInStatement,
  ts.SyntaxKind.WhileStatement,
  ts.SyntaxKind.DoStatement,
  ts.SyntaxKind.Block,
  ts.SyntaxKind.TryStatement,
  ts.SyntaxKind.SwitchStatement,
  ts.SyntaxKind.ThrowStatement,
]);

/**
 * Words that may bring in what the existing checker has not seen: hoisted `var`s, module resolution
 * (`import(...)`, `require`), global augmentations, and comment directives (`@ts-ignore`, `/// <reference>`),
 * which only the program's diagnostics pass applies.
 */
const NEEDS_PROGRAM =
  /\bvar\b|\bimport\b|\brequire\b|\bdeclare\b|\bglobal\b|\bnamespace\b|\bmodule\b|@ts-|\/\/\//;

/** How many cells one checker checks this way before a fresh program is asked for (its caches only grow). */
const CHECKS_PER_CHECKER = 256;

/** Whether a cell (parsed, with parent pointers) can be checked without a program of its own. */
export function isQuickCheckable(parsed: ts.SourceFile): boolean {
  if (internals.bindSourceFile === undefined || internals.getSetExternalModuleIndicator === undefined)
    return false;
  if (NEEDS_PROGRAM.test(parsed.text) || !emitsUnchanged(parsed)) return false;
  return parsed.statements.every((statement) => STATEMENT_KINDS.has(statement.kind));
}

/** Checks cells against one program's checker, each as a module file of its own name. */
export class QuickChecker {
  private program: ts.Program | undefined;
  private checks = 0;
  private serial = 0;

  constructor(
    private readonly directory: string,
    private readonly options: ts.CompilerOptions,
  ) {}

  /** Whether `program`'s checker may take another cell (false: build a new program, then ask again). */
  accepts(program: ts.Program): boolean {
    if (program !== this.program) {
      this.program = program;
      this.checks = 0;
    }
    return this.checks < CHECKS_PER_CHECKER;
  }

  /**
   * The syntactic, then (when there are none) the bind and check diagnostics of `text` (a cell's code and
   * its `export {}`), from `program`'s checker. Each cell gets a file name of its own, since the checker
   * files diagnostics by name.
   */
  diagnostics(
    program: ts.Program,
    text: string,
  ): { syntactic: boolean; diagnostics: readonly ts.Diagnostic[] } {
    const { bindSourceFile, getSetExternalModuleIndicator } = internals as TypeScriptInternals;
    this.checks++;
    const fileName = `${this.directory}/__jaclab_quick_${++this.serial}.ts`;
    const file = ts.createSourceFile(
      fileName,
      text,
      {
        languageVersion: this.options.target ?? ts.ScriptTarget.ES2022,
        setExternalModuleIndicator: getSetExternalModuleIndicator(this.options),
      },
      true,
      ts.ScriptKind.TS,
    );
    const parseDiagnostics = (file as SourceFileInternals).parseDiagnostics ?? [];
    if (parseDiagnostics.length > 0) return { syntactic: true, diagnostics: parseDiagnostics };
    bindSourceFile(file, this.options);
    const checker = program.getTypeChecker() as unknown as CheckerInternals;
    const bind = (file as SourceFileInternals).bindDiagnostics ?? [];
    return { syntactic: false, diagnostics: [...bind, ...checker.getDiagnostics(file)] };
  }
}
