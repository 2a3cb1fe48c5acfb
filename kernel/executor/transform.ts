// Rewrites a cell's emitted JavaScript so it runs as one async function in the worker's global scope:
// top-level declarations become global bindings (so later cells may redeclare them), static imports
// become awaited dynamic imports, and the last expression's value is returned. Every line keeps its
// line number, so the TypeScript emitter's source map still maps the result back to cell lines.

import ts from "typescript";

import { wrapCell, type Edit, type RewrittenCell } from "./cell-rewrite.js";
import { RUNTIME_NAME } from "./protocol.js";

/**
 * Rewrites emitted JavaScript; `helpDocs` are quoted into the n-th `help(...)` call as a second argument.
 * `parsed`, a tree of the same text with parent pointers (a plain-JavaScript cell), saves parsing it again.
 */
export function rewriteForRuntime(
  js: string,
  helpDocs: string[] = [],
  parsed?: ts.SourceFile,
): RewrittenCell {
  const source =
    parsed?.text === js
      ? parsed
      : ts.createSourceFile("cell.js", js, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const edits: Edit[] = [];
  const declared = new Set<string>();
  const hoisted: string[] = [];
  let importCount = 0;

  const statements = source.statements;
  const last = lastExpressionStatement(statements);
  for (const statement of statements) {
    if (ts.isImportDeclaration(statement)) {
      edits.push({
        start: statement.getStart(source),
        end: statement.end,
        text: rewriteImport(statement, importCount++, declared),
      });
    } else if (ts.isImportEqualsDeclaration(statement)) {
      const reference = statement.moduleReference;
      const target = ts.isExternalModuleReference(reference)
        ? `${RUNTIME_NAME}.require(${reference.expression.getText(source)})`
        : reference.getText(source);
      declared.add(statement.name.text);
      edits.push({
        start: statement.getStart(source),
        end: statement.end,
        text: `${statement.name.text} = ${target};`,
      });
    } else if (ts.isVariableStatement(statement)) {
      rewriteVariables(statement, source, declared, edits);
    } else if (ts.isFunctionDeclaration(statement) && statement.name) {
      stripExport(statement, source, edits);
      hoisted.push(`globalThis[${JSON.stringify(statement.name.text)}] = ${statement.name.text};`);
    } else if (ts.isClassDeclaration(statement) && statement.name) {
      const name = statement.name.text;
      declared.add(name);
      const start = statement.getStart(source);
      const exportEnd = exportModifierEnd(statement);
      edits.push({ start, end: exportEnd ?? start, text: `${name} = ` });
      edits.push({ start: statement.end, end: statement.end, text: ";" });
    } else if (ts.isExportDeclaration(statement) || ts.isExportAssignment(statement)) {
      edits.push({ start: statement.getStart(source), end: statement.end, text: ";" });
    } else if (statement === last) {
      const expression = (statement as ts.ExpressionStatement).expression;
      edits.push({
        start: statement.getStart(source),
        end: expression.getStart(source),
        text: "return { value: (",
      });
      edits.push({ start: expression.end, end: statement.end, text: ") };" });
    }
  }
  collectDynamicImportsAndHelp(source, edits, helpDocs);
  wrapAwaits(source, edits);

  const prelude =
    (declared.size > 0 ? `${RUNTIME_NAME}.declare(${JSON.stringify([...declared])}); ` : "") +
    hoisted.join(" ");
  return wrapCell(js, edits, prelude);
}

function lastExpressionStatement(statements: ts.NodeArray<ts.Statement>): ts.Statement | undefined {
  for (let i = statements.length - 1; i >= 0; i--) {
    const statement = statements[i];
    if (ts.isExportDeclaration(statement) || ts.isEmptyStatement(statement)) continue;
    return ts.isExpressionStatement(statement) ? statement : undefined;
  }
  return undefined;
}

function rewriteImport(statement: ts.ImportDeclaration, index: number, declared: Set<string>): string {
  const moduleName = `${RUNTIME_NAME}_m${index}`;
  const specifier = statement.moduleSpecifier.getText();
  const parts = [`const ${moduleName} = await ${RUNTIME_NAME}.import(${specifier});`];
  const clause = statement.importClause;
  if (clause?.name) {
    declared.add(clause.name.text);
    parts.push(`${clause.name.text} = ${RUNTIME_NAME}.defaultOf(${moduleName});`);
  }
  const bindings = clause?.namedBindings;
  if (bindings && ts.isNamespaceImport(bindings)) {
    declared.add(bindings.name.text);
    parts.push(`${bindings.name.text} = ${moduleName};`);
  } else if (bindings) {
    for (const element of bindings.elements) {
      if (element.isTypeOnly) continue;
      const imported = (element.propertyName ?? element.name).getText();
      declared.add(element.name.text);
      parts.push(
        `${element.name.text} = ${RUNTIME_NAME}.member(${moduleName}, ${JSON.stringify(imported)});`,
      );
    }
  }
  // A block keeps the module variable out of the global scope.
  return `{ ${parts.join(" ")} }`;
}

/** `export const a = 1, { b } = o;` becomes `a = 1; ({ b } = o);`, editing around the initializers. */
function rewriteVariables(
  statement: ts.VariableStatement,
  source: ts.SourceFile,
  declared: Set<string>,
  edits: Edit[],
): void {
  const declarations = statement.declarationList.declarations;
  let previousEnd = statement.getStart(source);
  let closing = "";
  for (const declaration of declarations) {
    for (const name of boundNames(declaration.name)) declared.add(name);
    const open = ts.isObjectBindingPattern(declaration.name) ? "(" : "";
    const separator = previousEnd === statement.getStart(source) ? "" : `${closing}; `;
    edits.push({ start: previousEnd, end: declaration.getStart(source), text: separator + open });
    closing = open === "(" ? ")" : "";
    if (!declaration.initializer) {
      edits.push({ start: declaration.name.end, end: declaration.end, text: " = undefined" });
    }
    previousEnd = declaration.end;
  }
  if (closing !== "") edits.push({ start: previousEnd, end: previousEnd, text: closing });
}

function boundNames(name: ts.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  const names: string[] = [];
  for (const element of name.elements) {
    if (ts.isBindingElement(element)) names.push(...boundNames(element.name));
  }
  return names;
}

function exportModifierEnd(node: ts.ClassDeclaration | ts.FunctionDeclaration): number | undefined {
  const modifiers = ts.canHaveModifiers(node) ? ts.getModifiers(node) : undefined;
  let end: number | undefined;
  for (const modifier of modifiers ?? []) {
    if (modifier.kind === ts.SyntaxKind.ExportKeyword || modifier.kind === ts.SyntaxKind.DefaultKeyword) {
      end = modifier.end;
    }
  }
  return end;
}

function stripExport(node: ts.FunctionDeclaration, source: ts.SourceFile, edits: Edit[]): void {
  const end = exportModifierEnd(node);
  if (end !== undefined) edits.push({ start: node.getStart(source), end, text: "" });
}

function collectDynamicImportsAndHelp(source: ts.SourceFile, edits: Edit[], helpDocs: string[]): void {
  let helpIndex = 0;
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword) {
        edits.push({
          start: node.expression.getStart(source),
          end: node.expression.end,
          text: `${RUNTIME_NAME}.import`,
        });
      } else if (
        ts.isIdentifier(node.expression) &&
        node.expression.text === "help" &&
        node.arguments.length === 1
      ) {
        const doc = helpDocs[helpIndex++];
        if (doc !== undefined) {
          edits.push({
            start: node.arguments[0].end,
            end: node.arguments[0].end,
            text: `, ${JSON.stringify(doc)}`,
          });
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}

/**
 * `await x` becomes `runtime.resume(await x)`, which throws if the cell was interrupted while it waited (and
 * a `for await` body starts with that check), so an interrupted cell never goes on past its await (a cell in a busy loop is stopped by the watchdog instead).
 */
function wrapAwaits(source: ts.SourceFile, edits: Edit[]): void {
  const visit = (node: ts.Node): void => {
    if (ts.isAwaitExpression(node) || isTopLevelAwaitCall(node)) {
      const start = node.getStart(source);
      edits.push({ start, end: start, text: `${RUNTIME_NAME}.resume(`, order: 1 });
      edits.push({ start: node.end, end: node.end, text: ")", order: -1 });
    } else if (ts.isForOfStatement(node) && node.awaitModifier !== undefined) {
      // Each step of a `for await` awaits too: the body starts by checking.
      const body = node.statement;
      const check = `${RUNTIME_NAME}.resume(undefined);`;
      if (ts.isBlock(body)) {
        const inside = body.getStart(source) + 1;
        edits.push({ start: inside, end: inside, text: ` ${check}`, order: 1 });
      } else {
        const start = body.getStart(source);
        edits.push({ start, end: start, text: `{ ${check} `, order: 1 });
        edits.push({ start: body.end, end: body.end, text: " }", order: -1 });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}

/** A script's parser reads a top-level `await (x)` as a call of a function named await; it runs as an await. */
function isTopLevelAwaitCall(node: ts.Node): boolean {
  return (
    ts.isCallExpression(node) &&
    ts.isIdentifier(node.expression) &&
    node.expression.text === "await" &&
    node.arguments.length === 1
  );
}
