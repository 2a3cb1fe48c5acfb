// `npm run docs`: builds site/ (git-ignored): the API reference in site/api (TypeDoc, validation as errors),
// every tutorial rendered with its stored outputs in site/tutorials (nbconvert, through scripts/tutorials)
// with the scripts its pages load in site/vendor,
// and site/index.html linking them. Run after `npm run build` (scripts/docs.sh does both).

import { execFileSync } from "node:child_process";
import { readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildApiReference } from "./api-reference.js";
import { indexPage, type TutorialEntry } from "./index-page.js";
import { vendorScripts, type VendoredScripts } from "./vendor.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const site = join(repoRoot, "site");

/** Renders the tutorials to site/tutorials with Debian's nbconvert; returns their list. */
async function renderTutorials(scripts: VendoredScripts): Promise<TutorialEntry[]> {
  const out = join(site, "tutorials");
  const urls = [
    ["--mathjax-url", scripts.mathjaxUrl],
    ["--require-js-url", scripts.requireJsUrl],
    ["--widget-renderer-url", scripts.widgetRendererUrl],
  ].flat();
  execFileSync("/usr/bin/python3", ["-m", "tutorials", "html", out, ...urls], {
    cwd: repoRoot,
    env: { ...process.env, PYTHONPATH: join(repoRoot, "scripts") },
    stdio: ["ignore", "inherit", "inherit"],
  });
  return JSON.parse(await readFile(join(out, "index.json"), "utf8")) as TutorialEntry[];
}

async function main(): Promise<void> {
  await rm(site, { recursive: true, force: true });
  await buildApiReference(repoRoot);
  const tutorials = await renderTutorials(await vendorScripts(repoRoot, site));
  await writeFile(join(site, "index.html"), indexPage(tutorials));
  console.log(`site/index.html: ${tutorials.length} tutorials, API reference in site/api`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
