// Runtime imports of cells: node builtins, "jaclab" (the core), files relative to the notebook, and npm packages
// (ESM-only or CommonJS), looked up from the notebook's directory first and from jaclab's own node_modules next.

import { existsSync, readFileSync, statSync } from "node:fs";
import { createRequire, isBuiltin } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

/** A module specifier that no base directory resolves. */
export class ModuleNotFoundError extends Error {
  override readonly name = "ModuleNotFoundError";
  readonly code = "ERR_MODULE_NOT_FOUND";
}

/** The conditions Node uses for `import`, in priority order of a package's export map. */
const IMPORT_CONDITIONS = new Set(["node", "import", "default", "module-sync"]);

/** Resolves a specifier to something `import()` accepts. */
export function resolveForImport(specifier: string, bases: readonly string[], coreUrl: string): string {
  if (specifier === "jaclab") return coreUrl;
  if (isBuiltin(specifier) || specifier.startsWith("node:")) return specifier;
  if (specifier.startsWith("file:") || specifier.startsWith("data:")) return specifier;
  if (specifier.startsWith(".") || path.isAbsolute(specifier)) {
    return pathToFileURL(path.resolve(bases[0], specifier)).href;
  }
  for (const base of bases) {
    const resolved = resolvePackage(specifier, base);
    if (resolved !== undefined) return pathToFileURL(resolved).href;
  }
  for (const base of bases) {
    try {
      return pathToFileURL(createRequire(path.join(base, "noop.js")).resolve(specifier)).href;
    } catch (error) {
      if ((error as { code?: string }).code !== "MODULE_NOT_FOUND") throw error;
    }
  }
  throw new ModuleNotFoundError(`Cannot find module '${specifier}' from ${bases.join(" or ")}`);
}

/** Finds a package's entry point for `import`, following its "exports" map as Node does. */
function resolvePackage(specifier: string, base: string): string | undefined {
  const parts = specifier.split("/");
  const packageName = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
  const subpath = "." + specifier.slice(packageName.length);
  for (let directory = base; ; directory = path.dirname(directory)) {
    const packageDir = path.join(directory, "node_modules", packageName);
    const manifestPath = path.join(packageDir, "package.json");
    if (existsSync(manifestPath)) {
      const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { exports?: unknown; main?: string };
      if (manifest.exports !== undefined) {
        const target = exportTarget(manifest.exports, subpath);
        return target === undefined ? undefined : path.join(packageDir, target);
      }
      return withExtension(path.join(packageDir, subpath === "." ? (manifest.main ?? "index.js") : subpath));
    }
    if (path.dirname(directory) === directory) return undefined;
  }
}

function exportTarget(exports: unknown, subpath: string): string | undefined {
  const isSubpathMap =
    typeof exports === "object" &&
    exports !== null &&
    !Array.isArray(exports) &&
    Object.keys(exports)[0]?.startsWith(".");
  if (!isSubpathMap) return subpath === "." ? conditionalTarget(exports, "") : undefined;
  const map = exports as Record<string, unknown>;
  if (subpath in map) return conditionalTarget(map[subpath], "");
  for (const [key, value] of Object.entries(map)) {
    const star = key.indexOf("*");
    if (star < 0) continue;
    const prefix = key.slice(0, star);
    const suffix = key.slice(star + 1);
    if (subpath.startsWith(prefix) && subpath.endsWith(suffix) && subpath.length >= key.length - 1) {
      return conditionalTarget(value, subpath.slice(prefix.length, subpath.length - suffix.length));
    }
  }
  return undefined;
}

function conditionalTarget(target: unknown, starMatch: string): string | undefined {
  if (typeof target === "string") return target.replaceAll("*", starMatch);
  if (Array.isArray(target)) {
    for (const entry of target) {
      const resolved = conditionalTarget(entry, starMatch);
      if (resolved !== undefined) return resolved;
    }
    return undefined;
  }
  if (typeof target === "object" && target !== null) {
    for (const [condition, value] of Object.entries(target)) {
      if (!IMPORT_CONDITIONS.has(condition)) continue;
      const resolved = conditionalTarget(value, starMatch);
      if (resolved !== undefined) return resolved;
    }
  }
  return undefined;
}

function withExtension(file: string): string | undefined {
  for (const candidate of [file, `${file}.js`, `${file}.cjs`, `${file}.mjs`, path.join(file, "index.js")]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}
