// The API reference (site/api): TypeDoc over the package's public API (src/index.ts) and the globals the
// kernel defines in every cell, with TypeDoc's own validation (undocumented exports, broken links, types
// used by the API but not exported) failing the build. Options in docs/typedoc.json.

import { mkdir, writeFile } from "node:fs/promises";
import { join, sep } from "node:path";
import { Application, ReflectionKind, type ProjectReflection } from "typedoc";
import { KERNEL_GLOBALS_DTS } from "../kernel/executor/kernel-globals.js";

/**
 * Tables documented as a whole, whose entries need no comment each (every other reflection does): an entry
 * of `Primitive` is named after its primitive, one of `PrimitiveParams` is that primitive's params type
 * (with the fields of inline params types); the attributes of the widgets' `Layout` and `*Style` models
 * are the CSS properties of the same names, in camelCase.
 */
const DOCUMENTED_AS_TABLES = [
  /^jaclab\.Primitive\./,
  /^jaclab\.PrimitiveParams\./,
  /^Cell globals\.widgets\.(Layout|\w*Style)\.(__type\.)?\w+$/,
];

/** Thrown when TypeDoc reports errors or warnings (validation included). */
export class ApiReferenceError extends Error {
  override readonly name = "ApiReferenceError";
}

/** Writes the declarations of the cell globals where docs/typedoc.json expects them (dist/docs). */
export async function writeCellGlobals(repoRoot: string): Promise<void> {
  const dir = join(repoRoot, "dist", "docs");
  await mkdir(dir, { recursive: true });
  const header = [
    "/**",
    " * The globals the jaclab kernel defines in every notebook cell, besides the whole package API",
    " * (which is in scope too, without an import).",
    " * @module Cell globals",
    " */",
  ].join("\n");
  // The kernel's declarations re-export the widget API from its built typings (dist/kernel/...); the
  // reference reads the sources instead, where the doc comments of shared attributes survive.
  const fromSources = KERNEL_GLOBALS_DTS.split(join(repoRoot, "dist", "kernel") + sep).join("../../kernel/");
  // The type of the `comms` global, so that the reference can link it.
  const commsType =
    'export type { Comms, Comm, CommMessage, CommTargetHandler } from "../../kernel/widgets/cell-api.js";\n';
  await writeFile(join(dir, "cell-globals.d.ts"), `${header}\n${fromSources}\n${commsType}`);
}

function tableEntriesWithoutComment(project: ProjectReflection): string[] {
  return project
    .getReflectionsByKind(ReflectionKind.All)
    .map((reflection) => ({ reflection, name: reflection.getFriendlyFullName() }))
    .filter(
      ({ reflection, name }) =>
        !reflection.hasComment() &&
        reflection.kindOf(ReflectionKind.Property | ReflectionKind.EnumMember) &&
        DOCUMENTED_AS_TABLES.some((table) => table.test(name)),
    )
    .map(({ name }) => name);
}

/** Builds site/api; throws ApiReferenceError when TypeDoc finds anything to complain about. */
export async function buildApiReference(repoRoot: string): Promise<void> {
  await writeCellGlobals(repoRoot);
  const app = await Application.bootstrapWithPlugins({ options: join(repoRoot, "docs", "typedoc.json") });
  const project = await app.convert();
  if (!project || app.logger.hasErrors())
    throw new ApiReferenceError("TypeDoc could not convert the project");
  await app.options.setValue("intentionallyNotDocumented", tableEntriesWithoutComment(project));
  app.validate(project);
  if (app.logger.hasErrors() || app.logger.hasWarnings()) {
    throw new ApiReferenceError(
      "TypeDoc's validation failed (see the warnings above): document every export",
    );
  }
  await app.generateDocs(project, app.options.getValue("out"));
  if (app.logger.hasErrors() || app.logger.hasWarnings())
    throw new ApiReferenceError("TypeDoc could not write site/api");
}
