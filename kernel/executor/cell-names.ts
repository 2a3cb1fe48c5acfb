// The names a cell declares at its top level, which the language service re-declares globally for later cells.

import ts from "typescript";

/** How a cell's top-level name is re-declared globally for later cells. */
export type NameKind = "var" | "const" | "alias";

/** One top-level name of a cell. */
export interface CellName {
  name: string;
  kind: NameKind;
  /** The declaration's doc comment, carried over to the global (aliases keep theirs). */
  doc: string;
  /** Declared with `export` already, so not added to the cell's export list. */
  exported: boolean;
}

/** The names a cell declares at its top level, including import bindings. */
export function topLevelNames(file: ts.SourceFile): CellName[] {
  const names = new Map<string, CellName>();
  let doc = "";
  const add = (name: string, kind: NameKind, exported = false): void => {
    if (!names.has(name)) names.set(name, { name, kind, exported, doc });
  };
  for (const statement of file.statements) {
    const comments = ts.getLeadingCommentRanges(file.text, statement.pos) ?? [];
    const docComment = comments.filter((range) => file.text.startsWith("/**", range.pos)).at(-1);
    doc = docComment === undefined ? "" : file.text.slice(docComment.pos, docComment.end);
    const exported = hasModifier(statement, ts.SyntaxKind.ExportKeyword);
    if (hasModifier(statement, ts.SyntaxKind.DefaultKeyword)) continue;
    if (ts.isVariableStatement(statement)) {
      const kind = statement.declarationList.flags & ts.NodeFlags.Const ? "const" : "var";
      for (const declaration of statement.declarationList.declarations) {
        for (const name of bindingNames(declaration.name)) add(name, kind, exported);
      }
    } else if (
      (ts.isFunctionDeclaration(statement) ||
        ts.isClassDeclaration(statement) ||
        ts.isInterfaceDeclaration(statement) ||
        ts.isTypeAliasDeclaration(statement) ||
        ts.isEnumDeclaration(statement)) &&
      statement.name
    ) {
      add(statement.name.text, "alias", exported);
    } else if (ts.isModuleDeclaration(statement) && ts.isIdentifier(statement.name)) {
      add(statement.name.text, "alias", exported);
    } else if (ts.isImportEqualsDeclaration(statement)) {
      add(statement.name.text, "alias", exported);
    } else if (ts.isImportDeclaration(statement) && statement.importClause) {
      const clause = statement.importClause;
      if (clause.name) add(clause.name.text, "alias");
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) add(bindings.name.text, "alias");
      else if (bindings) for (const element of bindings.elements) add(element.name.text, "alias");
    }
  }
  return [...names.values()];
}

function bindingNames(name: ts.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((element) => (ts.isBindingElement(element) ? bindingNames(element.name) : []));
}

function hasModifier(statement: ts.Statement, kind: ts.SyntaxKind): boolean {
  return (
    (ts.canHaveModifiers(statement) ? ts.getModifiers(statement) : undefined)?.some((m) => m.kind === kind) ??
    false
  );
}
