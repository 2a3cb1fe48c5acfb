// What a completion reply lists: TypeScript's entries without private members (names starting with `_`,
// unless the user typed the `_`), each with the signature ipykernel's `_jupyter_types_experimental` carries
// (`(u: TensorLike): Tensor` for a method), read from the type checker rather than one details call per entry.

import ts from "typescript";

/** One match of a complete_reply, in the shape of ipykernel's `_jupyter_types_experimental` items. */
export interface CompletionItem {
  text: string;
  type: string;
  /** The call signature of a function or method (the first overload, `+N overloads` after it), else "". */
  signature: string;
}

/** Signatures are worked out for at most this many matches (the first, in the order shown). */
const SIGNATURE_LIMIT = 100;

/** Whether a completion name is one a user should see after typing `prefix`. */
export function isShownCompletion(name: string, prefix: string, hiddenPrefix: string): boolean {
  if (!name.startsWith(prefix) || name.startsWith(hiddenPrefix)) return false;
  // Private by convention: shown only once the user asks for them by typing the underscore.
  return !name.startsWith("_") || prefix.startsWith("_");
}

/** The entries TypeScript offers at `offset`, filtered and sorted, with kinds and signatures. */
export function completionItems(
  service: ts.LanguageService,
  fileName: string,
  offset: number,
  prefix: string,
  hiddenPrefix: string,
): CompletionItem[] {
  const completions = service.getCompletionsAtPosition(fileName, offset, {
    includeCompletionsForModuleExports: false,
    includeCompletionsWithInsertText: true,
  });
  const entries = (completions?.entries ?? [])
    .filter((entry) => isShownCompletion(entry.name, prefix, hiddenPrefix))
    .sort((a, b) =>
      a.sortText === b.sortText ? a.name.localeCompare(b.name) : a.sortText < b.sortText ? -1 : 1,
    );
  const signatureOf = signatureFinder(service, fileName, offset, completions?.isMemberCompletion === true);
  return entries.map((entry, index) => {
    const signature = index < SIGNATURE_LIMIT && isCallable(entry.kind) ? signatureOf(entry.name) : "";
    // A global alias or a variable holding a function (jacrev, `const f = ...`) completes as a function.
    const type =
      signature !== "" && jupyterKind(entry.kind) === "variable" ? "function" : jupyterKind(entry.kind);
    return { text: entry.name, type, signature };
  });
}

function isCallable(kind: ts.ScriptElementKind): boolean {
  return (
    kind === ts.ScriptElementKind.functionElement ||
    kind === ts.ScriptElementKind.localFunctionElement ||
    kind === ts.ScriptElementKind.memberFunctionElement ||
    kind === ts.ScriptElementKind.alias ||
    kind === ts.ScriptElementKind.constElement ||
    kind === ts.ScriptElementKind.letElement ||
    kind === ts.ScriptElementKind.variableElement
  );
}

/** Looks names up as members of the expression before the dot, or in the scope at the cursor. */
function signatureFinder(
  service: ts.LanguageService,
  fileName: string,
  offset: number,
  member: boolean,
): (name: string) => string {
  const program = service.getProgram();
  const file = program?.getSourceFile(fileName);
  if (program === undefined || file === undefined) return () => "";
  const checker = program.getTypeChecker();
  const node = deepestNodeAt(file, Math.max(0, offset - 1));
  let lookup: (name: string) => ts.Symbol | undefined;
  if (member) {
    const access = ancestorAccess(node);
    if (access === undefined) return () => "";
    const type = checker.getApparentType(checker.getTypeAtLocation(access.expression));
    lookup = (name) => checker.getPropertyOfType(type, name);
  } else {
    const flags = ts.SymbolFlags.Value | ts.SymbolFlags.Alias;
    const scope = new Map(checker.getSymbolsInScope(node, flags).map((symbol) => [symbol.name, symbol]));
    lookup = (name) => scope.get(name);
  }
  return (name) => {
    let symbol = lookup(name);
    if (symbol === undefined) return "";
    if (symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    const signatures = checker.getTypeOfSymbolAtLocation(symbol, node).getCallSignatures();
    if (signatures.length === 0) return "";
    const text = checker.signatureToString(signatures[0], node, ts.TypeFormatFlags.NoTruncation);
    return signatures.length > 1 ? `${text} (+${signatures.length - 1} overloads)` : text;
  };
}

function deepestNodeAt(file: ts.SourceFile, position: number): ts.Node {
  let found: ts.Node = file;
  const visit = (node: ts.Node): void => {
    if (position < node.getFullStart() || position >= node.getEnd()) return;
    found = node;
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(file, visit);
  return found;
}

function ancestorAccess(node: ts.Node): ts.PropertyAccessExpression | undefined {
  for (let at: ts.Node | undefined = node; at !== undefined; at = at.parent) {
    if (ts.isPropertyAccessExpression(at)) return at;
    if (ts.isStatement(at)) return undefined;
  }
  return undefined;
}

/** The completion kinds JupyterLab knows, from TypeScript's element kinds. */
export function jupyterKind(kind: ts.ScriptElementKind): string {
  switch (kind) {
    case ts.ScriptElementKind.functionElement:
    case ts.ScriptElementKind.localFunctionElement:
    case ts.ScriptElementKind.memberFunctionElement:
      return "function";
    case ts.ScriptElementKind.classElement:
    case ts.ScriptElementKind.localClassElement:
      return "class";
    case ts.ScriptElementKind.interfaceElement:
    case ts.ScriptElementKind.typeElement:
    case ts.ScriptElementKind.enumElement:
      return "type";
    case ts.ScriptElementKind.moduleElement:
      return "module";
    case ts.ScriptElementKind.keyword:
      return "keyword";
    case ts.ScriptElementKind.memberVariableElement:
    case ts.ScriptElementKind.memberGetAccessorElement:
    case ts.ScriptElementKind.memberSetAccessorElement:
      return "property";
    case ts.ScriptElementKind.parameterElement:
      return "param";
    default:
      return "variable";
  }
}
