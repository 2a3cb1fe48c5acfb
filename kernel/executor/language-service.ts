// A persistent TypeScript language service over the notebook's cells: each accepted cell stays in the program
// as a module, and one generated declaration file aliases every top-level name (of the core's API, the
// kernel's globals and the cells, later ones replacing earlier ones) into the global scope of later cells.

import path from "node:path";
import ts from "typescript";
import { InternalError } from "../../src/errors.js";
import type { CompleteResult, InspectResult } from "../interpreter.js";
import { topLevelNames, type CellName, type NameKind } from "./cell-names.js";
import { SlotTable } from "./cell-slots.js";
import { completionItems } from "./completion-entries.js";
import { diagnosticsToError, inCode } from "./diagnostics.js";
import { DiskCaches } from "./disk-caches.js";
import { VersionCachedRegistry } from "./document-registry.js";
import { KERNEL_GLOBAL_NAMES, KERNEL_GLOBALS_DTS } from "./kernel-globals.js";
import type { PreparedCell } from "./protocol.js";
import { emitsUnchanged, hasParseErrors } from "./plain-js.js";
import { identityMappings } from "./source-map.js";
import { emittedMappings, toPreparedCell, withoutMapComment } from "./prepared-cell.js";
import { isQuickCheckable, QuickChecker } from "./quick-check.js";
import { NOCHECK } from "./unchecked.js";
import { EMIT_OPTIONS, parseCell, transpileUncheckedCell, type PrepareResult } from "./unchecked-cell.js";
import { codePointsToOffset, offsetToCodePoints } from "./unicode.js";

interface VirtualFile {
  text: string;
  version: number;
}

export interface LanguageServiceOptions {
  /** The notebook's working directory: cells resolve imports from here. */
  cwd: string;
  /** jaclab's own root, the second place imports resolve from. */
  jaclabRoot: string;
  /** The typings of the core (`import ... from "jaclab"`), if built. */
  coreTypings: string | undefined;
  /** Checks cells that declare nothing with the current checker (quick-check.ts); tests turn it off. Default true. */
  quickChecks?: boolean;
}

export type { PrepareResult };

const HIDDEN_PREFIX = "__jaclab";
/** How many empty cell slots are added at a time (each batch costs one full program rebuild). */
const SLOT_BATCH = 16;

function slotAlias(slot: number): string {
  return `${HIDDEN_PREFIX}_s${slot}`;
}

/** The language service of one notebook session. */
export class CellLanguageService {
  private readonly files = new Map<string, VirtualFile>();
  /** Counts the versions of the files set so far (see getProjectVersion in createHost). */
  private projectVersion = 0;
  /** Global name → its declaration line inside `declare global { }`. */
  private readonly cellGlobals = new Map<string, GlobalEntry>();
  /** The core's API and the kernel's globals, in a file of their own that rarely changes (it is large). */
  private readonly builtinGlobals = new Map<string, GlobalEntry>();
  private readonly builtinGlobalsFile: string;
  private readonly compilerOptions: ts.CompilerOptions;
  private readonly service: ts.LanguageService;
  private readonly diskCaches = new DiskCaches();
  private readonly documents = new VersionCachedRegistry();
  private readonly resolutionCache: ts.ModuleResolutionCache;
  private readonly globalsFile: string;
  private readonly kernelFile: string;
  private readonly scratchFile: string;
  /** The cell being checked; a fixed name keeps the program's structure (and so most of its work) reusable. */
  private readonly candidateFile: string;
  /** Cell files the globals file imports (those the slot table has not handed out are empty). */
  private slotCount = 0;
  private readonly slots = new SlotTable();
  /** The last unchecked cell, reused when the same code runs again (loops of trivial cells). */
  private lastUnchecked: { code: string; cell: PreparedCell } | undefined;
  private readonly quick: QuickChecker;
  /** The slot file of the latest cell that declared names, until {@link warmAfterCommit} checks it. */
  private committedSlotFile: string | undefined;
  /** How many cells were checked without a program of their own (see quick-check.ts). */
  quickChecks = 0;

  constructor(private readonly options: LanguageServiceOptions) {
    const { cwd, jaclabRoot } = options;
    this.globalsFile = path.join(cwd, `${HIDDEN_PREFIX}_globals.d.ts`);
    this.builtinGlobalsFile = path.join(cwd, `${HIDDEN_PREFIX}_builtin_globals.d.ts`);
    this.kernelFile = path.join(cwd, `${HIDDEN_PREFIX}_kernel.d.ts`);
    this.scratchFile = path.join(cwd, `${HIDDEN_PREFIX}_scratch.ts`);
    this.candidateFile = path.join(cwd, `${HIDDEN_PREFIX}_candidate.ts`);
    this.compilerOptions = {
      ...EMIT_OPTIONS,
      lib: ["lib.es2023.d.ts"],
      types: ["node"],
      typeRoots: [path.join(cwd, "node_modules", "@types"), path.join(jaclabRoot, "node_modules", "@types")],
    };
    this.quick = new QuickChecker(cwd, this.compilerOptions);
    this.resolutionCache = ts.createModuleResolutionCache(cwd, (name) => name, this.compilerOptions);
    this.service = ts.createLanguageService(this.createHost(), this.documents.registry);
    this.setFile(this.kernelFile, KERNEL_GLOBALS_DTS);
    this.setFile(this.scratchFile, "export {};\n");
    this.setFile(this.candidateFile, "export {};\n");
    this.addSlots();
  }

  /** Builds the first program, aliases the core's API and the kernel's globals, and warms the checker. */
  warm(): void {
    if (this.options.coreTypings !== undefined) {
      const probe = `import * as ${HIDDEN_PREFIX} from "jaclab";\nexport {};\n`;
      this.setFile(this.scratchFile, probe);
      const program = this.service.getProgram();
      const checker = program?.getTypeChecker();
      const file = program?.getSourceFile(this.scratchFile);
      const declaration = file?.statements[0];
      if (checker && declaration && ts.isImportDeclaration(declaration)) {
        const moduleSymbol = checker.getSymbolAtLocation(declaration.moduleSpecifier);
        for (const symbol of moduleSymbol ? checker.getExportsOfModule(moduleSymbol) : []) {
          if (symbol.name === "default") continue;
          this.builtinGlobals.set(symbol.name, globalEntry(symbol.name, "alias", "jaclab", "__jaclab_api"));
        }
      }
    }
    for (const name of KERNEL_GLOBAL_NAMES) {
      const kernelModule = `./${path.basename(this.kernelFile, ".d.ts")}`;
      this.builtinGlobals.set(name, globalEntry(name, "alias", kernelModule, "__jaclab_kernel"));
    }
    this.writeGlobals();
    this.setFile(this.scratchFile, "const warm: number = 1;\nexport {};\n");
    this.service.getSemanticDiagnostics(this.scratchFile);
  }

  /** Forgets the declarations of all cells, as a fresh execution worker has none of them. */
  reset(): void {
    this.cellGlobals.clear();
    for (const slot of this.slots.clear()) this.setFile(this.slotFile(slot), "export {};\n");
    this.writeGlobals();
  }

  /**
   * After a cell that declared names: builds the program that has them and checks their cell with its
   * checker, so that the next cell (most often one that uses them and declares nothing, which is checked
   * with this program's checker, see quick-check.ts) does not pay for the new checker's first look at
   * their types. The worker runs this while the kernel's reply travels; it changes no file.
   */
  warmAfterCommit(): void {
    const fileName = this.committedSlotFile;
    this.committedSlotFile = undefined;
    if (fileName === undefined) return;
    const program = this.service.getProgram();
    const file = program?.getSourceFile(fileName);
    if (program !== undefined && file !== undefined) program.getSemanticDiagnostics(file);
  }

  /** Computes one list of global completions, so the first real completion request is quick. */
  warmCompletions(): void {
    this.service.getCompletionsAtPosition(this.scratchFile, 0, {});
  }

  /** Type-checks (unless `// @ts-nocheck`) and transpiles a cell; an accepted cell's names become global. */
  prepare(code: string): PrepareResult {
    const fileName = this.candidateFile;
    const parsed = parseCell(code, fileName);
    const names = topLevelNames(parsed);
    const text = moduleText(code, names);

    if (NOCHECK.test(code)) return this.prepareUnchecked(code, text, names, parsed);
    if (names.length === 0 && this.options.quickChecks !== false && isQuickCheckable(parsed)) {
      const quick = this.quickCheck(code, text, parsed);
      if (quick !== undefined) return quick;
    }

    this.setFile(fileName, text);
    // One program update, then both checks on that program (each service call would first re-verify it).
    const program = this.service.getProgram();
    const candidate = program?.getSourceFile(fileName);
    if (program === undefined || candidate === undefined)
      throw new InternalError("the language service has no program with the cell");
    const syntactic = program.getSyntacticDiagnostics(candidate).filter((d) => inCode(d, code));
    if (syntactic.length > 0) return { ok: false, error: diagnosticsToError(syntactic, code, "SyntaxError") };
    let semantic = program.getSemanticDiagnostics(candidate).filter((d) => inCode(d, code));
    if (semantic.some(isMissingModule)) {
      // A package may have been installed since the caches were filled.
      this.diskCaches.clear();
      this.documents.clear();
      this.resolutionCache.clear();
      // A new version of the same text: the program resolves the cell's imports again.
      this.setFile(fileName, text, { force: true });
      semantic = this.service.getSemanticDiagnostics(fileName).filter((d) => inCode(d, code));
    }
    if (semantic.length > 0) return { ok: false, error: diagnosticsToError(semantic, code, "TSError") };

    const helpDocs = hasHelpCall(parsed) ? this.helpDocs(fileName, parsed) : [];
    const cell = emitsUnchanged(parsed)
      ? toPreparedCell(code, identityMappings(code), helpDocs, parsed)
      : this.emitCandidate(helpDocs);
    this.commit(names, text);
    return { ok: true, cell };
  }

  /** Checks a cell that declares nothing with the current program's checker (undefined: it needs a new one). */
  private quickCheck(code: string, text: string, parsed: ts.SourceFile): PrepareResult | undefined {
    const program = this.service.getProgram();
    if (program === undefined || !this.quick.accepts(program)) return undefined;
    const { syntactic, diagnostics } = this.quick.diagnostics(program, text);
    this.quickChecks++;
    const inCell = diagnostics.filter((d) => inCode(d, code));
    if (inCell.length > 0)
      return { ok: false, error: diagnosticsToError(inCell, code, syntactic ? "SyntaxError" : "TSError") };
    return { ok: true, cell: toPreparedCell(code, identityMappings(code), [], parsed) };
  }

  /** The checked candidate cell through the program's emitter. */
  private emitCandidate(helpDocs: string[]): PreparedCell {
    const output = this.service.getEmitOutput(this.candidateFile);
    const js = output.outputFiles.find((file) => file.name.endsWith(".js"))?.text ?? "";
    const map = output.outputFiles.find((file) => file.name.endsWith(".js.map"))?.text;
    return toPreparedCell(withoutMapComment(js), emittedMappings(map), helpDocs);
  }

  private prepareUnchecked(
    code: string,
    text: string,
    names: CellName[],
    parsed: ts.SourceFile,
  ): PrepareResult {
    const cached = this.lastUnchecked;
    const hasHelp = hasHelpCall(parsed);
    if (cached?.code === code && names.length === 0 && !hasHelp) return { ok: true, cell: cached.cell };
    // Transpiled first: a cell with a syntax error declares nothing (and has no help to look up).
    const transpiled = transpileUncheckedCell(code, parsed);
    if (!transpiled.ok) return transpiled;
    let helpDocs: string[] = [];
    if (hasHelp) {
      this.setFile(this.candidateFile, text);
      helpDocs = this.helpDocs(this.candidateFile, parsed);
    }
    const prepared = { ok: true as const, cell: transpiled.toCell(helpDocs) };
    this.commit(names, text);
    this.lastUnchecked = { code, cell: prepared.cell };
    return prepared;
  }

  /**
   * Takes in the names of an unchecked cell that the execution process prepared and runs itself (see
   * unchecked.ts), so that later cells see them; a cell that does not parse declares nothing.
   */
  record(code: string): void {
    const parsed = parseCell(code, this.candidateFile);
    if (hasParseErrors(parsed, code)) return;
    const names = topLevelNames(parsed);
    this.commit(names, moduleText(code, names));
  }

  /**
   * Keeps a cell that declares names in the program, in a free slot file, and points the global names at it;
   * a slot whose names have all been redeclared since is emptied for reuse. The globals file imports every
   * slot from the start, so a new cell changes file contents only and the next program reuses the old one's
   * structure (a new import would cost a full rebuild).
   */
  private commit(names: CellName[], text: string): void {
    if (names.length === 0) return;
    const { slot, freed } = this.slots.assign(names.map((entry) => entry.name));
    while (slot >= this.slotCount) this.addSlots();
    for (const old of freed) this.setFile(this.slotFile(old), "export {};\n");
    this.setFile(this.slotFile(slot), text);
    this.committedSlotFile = this.slotFile(slot);
    for (const entry of names) {
      const global = globalEntry(entry.name, entry.kind, this.slotModule(slot), slotAlias(slot), entry.doc);
      this.cellGlobals.set(entry.name, global);
    }
    this.writeGlobals();
  }

  private slotFile(slot: number): string {
    return path.join(this.options.cwd, `${HIDDEN_PREFIX}_slot_${slot}.ts`);
  }

  private slotModule(slot: number): string {
    return `./${HIDDEN_PREFIX}_slot_${slot}`;
  }

  private addSlots(): void {
    for (let slot = this.slotCount; slot < this.slotCount + SLOT_BATCH; slot++) {
      this.setFile(this.slotFile(slot), "export {};\n");
    }
    this.slotCount += SLOT_BATCH;
  }

  private writeGlobals(): void {
    const slotImports: string[] = [];
    for (let slot = 0; slot < this.slotCount; slot++) {
      slotImports.push(`import * as ${slotAlias(slot)} from ${JSON.stringify(this.slotModule(slot))};`);
    }
    this.setFile(this.globalsFile, globalsFileText(slotImports, [...this.cellGlobals.values()]));
    // A cell's name replaces a built-in one of the same name.
    const builtins = [...this.builtinGlobals]
      .filter(([name]) => !this.cellGlobals.has(name))
      .map(([, entry]) => entry);
    const builtinImports = [...this.builtinGlobals.values()].map((entry) => entry.module);
    this.setFile(this.builtinGlobalsFile, globalsFileText(builtinImports, builtins));
  }

  /** The documentation of each `help(x)` call's argument, in source order. */
  private helpDocs(fileName: string, parsed: ts.SourceFile): string[] {
    const docs: string[] = [];
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && isHelpCall(node)) {
        const argument = node.arguments[0];
        const info = this.service.getQuickInfoAtPosition(
          fileName,
          Math.max(argument.getStart(parsed), argument.end - 1),
        );
        docs.push(
          info ? quickInfoText(info).plain : `No documentation found for ${argument.getText(parsed)}.`,
        );
      }
      ts.forEachChild(node, visit);
    };
    visit(parsed);
    return docs;
  }

  /** Completions at a cursor given in code points. */
  complete(code: string, cursorPos: number): CompleteResult {
    const offset = codePointsToOffset(code, cursorPos);
    this.setFile(this.scratchFile, `${code}\nexport {};\n`);
    let start = offset;
    while (start > 0 && /[\p{ID_Continue}$]/u.test(code[start - 1])) start--;
    const prefix = code.slice(start, offset);
    const items = completionItems(this.service, this.scratchFile, offset, prefix, HIDDEN_PREFIX);
    const cursorStart = offsetToCodePoints(code, start);
    return {
      matches: items.map((item) => item.text),
      cursorStart,
      cursorEnd: cursorPos,
      metadata: {
        _jupyter_types_experimental: items.map((item) => ({ start: cursorStart, end: cursorPos, ...item })),
      },
    };
  }

  /** The signature and doc comment of the name at (or just before) the cursor. */
  inspect(code: string, cursorPos: number): InspectResult {
    const offset = codePointsToOffset(code, cursorPos);
    this.setFile(this.scratchFile, `${code}\nexport {};\n`);
    for (const candidate of inspectCandidates(code, offset)) {
      const info = this.service.getQuickInfoAtPosition(this.scratchFile, candidate);
      if (info === undefined) continue;
      const text = quickInfoText(info);
      return {
        found: true,
        data: { "text/plain": text.plain, "text/markdown": text.markdown },
        metadata: {},
      };
    }
    return { found: false, data: {}, metadata: {} };
  }

  private setFile(fileName: string, text: string, { force = false } = {}): void {
    const previous = this.files.get(fileName);
    if (previous?.text === text && !force) return; // same text, same program: nothing to rebuild
    this.files.set(fileName, { text, version: (previous?.version ?? 0) + 1 });
    this.projectVersion++;
  }

  private createHost(): ts.LanguageServiceHost {
    const caches = this.diskCaches;
    const host: ts.LanguageServiceHost = {
      // Only the fixed files are roots; cells enter the program through the globals file's imports, so a new
      // cell changes one file's imports instead of the root set (which would rebuild the program from scratch).
      getScriptFileNames: () => [
        this.kernelFile,
        this.builtinGlobalsFile,
        this.globalsFile,
        this.scratchFile,
        this.candidateFile,
      ],
      // Unchanged, the service takes its program as up to date without asking every file's version again
      // (a quarter of a quick check's time, cold); every new version of a file changes it (setFile).
      getProjectVersion: () => String(this.projectVersion),
      getScriptVersion: (fileName) => String(this.files.get(fileName)?.version ?? 0),
      getScriptSnapshot: (fileName) => {
        const file = this.files.get(fileName);
        if (file) return ts.ScriptSnapshot.fromString(file.text);
        return caches.snapshot(fileName);
      },
      getCurrentDirectory: () => this.options.cwd,
      getCompilationSettings: () => this.compilerOptions,
      getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
      fileExists: (fileName) => this.files.has(fileName) || caches.fileExists(fileName),
      readFile: (fileName) => this.files.get(fileName)?.text ?? caches.readFile(fileName),
      directoryExists: (directory) => caches.directoryExists(directory),
      getDirectories: (directory) => caches.getDirectories(directory),
      realpath: (fileName) => (this.files.has(fileName) ? fileName : caches.realpath(fileName)),
      readDirectory: (...args) => ts.sys.readDirectory(...args),
      resolveModuleNameLiterals: (literals, containingFile, redirected, options) =>
        literals.map((literal) => this.resolveModule(literal.text, containingFile, redirected, options)),
    };
    // Not in the public LanguageServiceHost type, but honoured: package.json lookups reuse the cache.
    return Object.assign(host, { getModuleResolutionCache: () => this.resolutionCache });
  }

  private resolveModule(
    name: string,
    containingFile: string,
    redirected: ts.ResolvedProjectReference | undefined,
    options: ts.CompilerOptions,
  ): ts.ResolvedModuleWithFailedLookupLocations {
    const { coreTypings, jaclabRoot } = this.options;
    if (name === "jaclab" && coreTypings !== undefined) {
      const extension = coreTypings.endsWith(".d.ts") ? ts.Extension.Dts : ts.Extension.Ts;
      return { resolvedModule: { resolvedFileName: coreTypings, extension, isExternalLibraryImport: false } };
    }
    const moduleHost: ts.ModuleResolutionHost = {
      fileExists: (fileName) => this.files.has(fileName) || this.diskCaches.fileExists(fileName),
      readFile: (fileName) => this.files.get(fileName)?.text ?? this.diskCaches.readFile(fileName),
      directoryExists: (directory) => this.diskCaches.directoryExists(directory),
      realpath: (fileName) => (this.files.has(fileName) ? fileName : this.diskCaches.realpath(fileName)),
      getDirectories: (directory) => this.diskCaches.getDirectories(directory),
    };
    const cache = this.resolutionCache;
    const resolved = ts.resolveModuleName(name, containingFile, options, moduleHost, cache, redirected);
    if (resolved.resolvedModule || name.startsWith(".") || path.isAbsolute(name)) return resolved;
    // Packages jaclab itself depends on are importable too.
    const fallback = path.join(jaclabRoot, `${HIDDEN_PREFIX}_resolve.ts`);
    return ts.resolveModuleName(name, fallback, options, moduleHost, cache, redirected);
  }
}

/** One name of the global scope and the import its declaration refers to. */
interface GlobalEntry {
  line: string;
  module: string;
}

/** The declaration of a global name: an alias of a module's export, or a variable of its type. */
function globalEntry(name: string, kind: NameKind, moduleName: string, alias: string, doc = ""): GlobalEntry {
  const declaration =
    kind === "alias"
      ? `export import ${name} = ${alias}.${name};`
      : `${kind} ${name}: typeof ${alias}.${name};`;
  const line =
    doc === "" || kind === "alias" ? declaration : `${doc.replace(/\n\s*/g, "\n  ")}\n  ${declaration}`;
  return { line, module: `import * as ${alias} from ${JSON.stringify(moduleName)};` };
}

function globalsFileText(imports: string[], entries: GlobalEntry[]): string {
  const lines = entries.map((entry) => `  ${entry.line}`);
  return [...new Set(imports), "declare global {", ...lines, "}", "export {};", ""].join("\n");
}

/** A cell as a module of the program: its code, then an export of the names it declares but does not export. */
function moduleText(code: string, names: CellName[]): string {
  const exportList = names.filter((entry) => !entry.exported).map((entry) => entry.name);
  return `${code}\nexport { ${exportList.join(", ")} };\n`;
}

function isMissingModule(diagnostic: ts.Diagnostic): boolean {
  return diagnostic.code === 2307 || diagnostic.code === 2792;
}

function isHelpCall(node: ts.CallExpression): boolean {
  return ts.isIdentifier(node.expression) && node.expression.text === "help" && node.arguments.length === 1;
}

function hasHelpCall(file: ts.SourceFile): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isCallExpression(node) && isHelpCall(node)) found = true;
    else ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** Offsets to ask quick info at: the cursor, the character before, and the callee before an open paren. */
function inspectCandidates(code: string, offset: number): number[] {
  const candidates = [offset, offset - 1];
  let back = offset - 1;
  while (back > 0 && /[\s(,]/.test(code[back])) back--;
  candidates.push(back);
  return candidates.filter((candidate, index) => candidate >= 0 && candidates.indexOf(candidate) === index);
}

/** Signature and documentation of quick info, without the alias plumbing of the generated globals. */
function quickInfoText(info: ts.QuickInfo): { plain: string; markdown: string } {
  const signature = ts
    .displayPartsToString(info.displayParts)
    .replace(/^\(alias\) /, "")
    .split("\n")
    .filter((line) => !/^import [\w$]+ = [\w$.]+$/.test(line))
    .join("\n");
  const documentation = ts.displayPartsToString(info.documentation);
  const tags = (info.tags ?? []).map((tag) => `@${tag.name} ${ts.displayPartsToString(tag.text)}`.trimEnd());
  const prose = [documentation, ...tags].filter((part) => part !== "").join("\n");
  return {
    plain: prose === "" ? signature : `${signature}\n\n${prose}`,
    markdown: "```typescript\n" + signature + "\n```" + (prose === "" ? "" : `\n\n${prose}`),
  };
}
