// The run-time import graph of the compiled sources (dist/src and dist/kernel, where type-only imports are
// already erased): no cycles, and the layering rules hold (the core imports neither the renderers nor linear
// algebra; src/ never imports the kernel). Walks the emitted JavaScript with the TypeScript parser.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const distRoot = fileURLToPath(new URL("..", import.meta.url));

/** Every .js file under `dir`, as paths relative to dist/ with forward slashes. */
function jsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(distRoot, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...jsFiles(rel));
    else if (entry.name.endsWith(".js")) out.push(rel);
  }
  return out;
}

/** The relative modules a file imports or re-exports statically (dynamic import() is lazy: not an edge). */
function staticImports(file: string): string[] {
  const text = readFileSync(path.join(distRoot, file), "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const deps: string[] = [];
  for (const st of source.statements) {
    const spec = ts.isImportDeclaration(st) || ts.isExportDeclaration(st) ? st.moduleSpecifier : undefined;
    if (spec === undefined || !ts.isStringLiteral(spec) || !spec.text.startsWith(".")) continue;
    deps.push(path.posix.normalize(path.posix.join(path.posix.dirname(file), spec.text)));
  }
  return deps;
}

type Graph = Map<string, string[]>;

function importGraph(dirs: string[]): Graph {
  const graph: Graph = new Map();
  for (const dir of dirs) for (const file of jsFiles(dir)) graph.set(file, staticImports(file));
  return graph;
}

/** The strongly connected components with more than one module, or one that imports itself (Tarjan). */
export function findCycles(graph: Graph): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop() as string;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

/** The imports of modules under `from` that reach modules under one of `forbidden`, as "a -> b" lines. */
function forbiddenEdges(graph: Graph, from: string, forbidden: string[]): string[] {
  const out: string[] = [];
  for (const [file, deps] of graph) {
    if (!file.startsWith(from)) continue;
    for (const d of deps) if (forbidden.some((f) => d.startsWith(f))) out.push(`${file} -> ${d}`);
  }
  return out;
}

const graph = importGraph(["src", "kernel"]);

test("the import graph walker sees the compiled sources and their imports", () => {
  assert.ok(graph.size > 100, `only ${graph.size} modules found under ${distRoot}`);
  assert.ok(graph.get("src/index.js")?.includes("src/setup.js"), "src/index.js imports src/setup.js");
  assert.ok(graph.get("src/ops/index.js")?.includes("src/ops/create.js"), "export * from is an edge");
});

test("findCycles finds a cycle, a self-import, and nothing in a chain", () => {
  const g: Graph = new Map([
    ["a", ["b"]],
    ["b", ["c"]],
    ["c", ["a", "d"]],
    ["d", []],
    ["e", ["e"]],
  ]);
  assert.deepEqual(findCycles(g), [["a", "b", "c"], ["e"]]);
  assert.deepEqual(
    findCycles(
      new Map([
        ["x", ["y"]],
        ["y", []],
      ]),
    ),
    [],
  );
});

test("no run-time import cycle in src/ or kernel/", () => {
  const cycles = findCycles(graph);
  assert.deepEqual(
    cycles,
    [],
    `import cycles:\n${cycles.map((c) => `  ${c.length} modules: ${c.join(", ")}`).join("\n")}`,
  );
});

test("src/core imports neither src/render nor src/linalg (they plug in through src/setup.ts)", () => {
  assert.deepEqual(forbiddenEdges(graph, "src/core/", ["src/render/", "src/linalg/"]), []);
});

test("src/ never imports kernel/ (the kernel uses the core, not the reverse)", () => {
  assert.deepEqual(forbiddenEdges(graph, "src/", ["kernel/"]), []);
});
