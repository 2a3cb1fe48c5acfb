// `jaclab install`: writes a kernelspec directory (kernel.json from the template, plus the logos) where
// `jupyter kernelspec list` finds it.

import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { InstallLocation } from "./cli-args.js";
import { UsageError } from "./errors.js";
import { jupyterDataDir, packageRoot } from "./paths.js";
import { relaxedSimdProbe } from "../src/linalg/wasm-gemm.js";

/** The files of a kernelspec besides kernel.json. */
export const logoFiles = ["logo-32x32.png", "logo-64x64.png"] as const;

/** The prefix `--sys-prefix` means: the active virtualenv or conda env, else the prefix of `python3`. */
export function sysPrefix(env: NodeJS.ProcessEnv = process.env): string {
  if (env.VIRTUAL_ENV) return env.VIRTUAL_ENV;
  if (env.CONDA_PREFIX) return env.CONDA_PREFIX;
  try {
    return execFileSync("python3", ["-c", "import sys; print(sys.prefix)"], { encoding: "utf8" }).trim();
  } catch (error) {
    throw new UsageError(`--sys-prefix: cannot ask python3 for sys.prefix (${(error as Error).message})`);
  }
}

/** The directory the kernelspec named `name` goes to for `location`. */
export function kernelspecDirectory(
  location: InstallLocation,
  name: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  switch (location.kind) {
    case "user":
      return join(jupyterDataDir(env), "kernels", name);
    case "sys-prefix":
      return join(sysPrefix(env), "share", "jupyter", "kernels", name);
    case "prefix":
      return join(location.directory, "share", "jupyter", "kernels", name);
  }
}

/**
 * Node flags the kernel needs for the core's fastest kernels: `--experimental-wasm-relaxed-simd` where
 * this Node has relaxed SIMD only behind that flag (Node 20: the fused multiply-add of the matmul tiles),
 * none where it has it already or does not know the flag.
 */
export function kernelNodeFlags(): string[] {
  const probe = `process.exit(WebAssembly.validate(Buffer.from("${relaxedSimdProbe()}", "hex")) ? 0 : 1)`;
  const plain = spawnSync(process.execPath, ["-e", probe], { stdio: "ignore" });
  if (plain.status === 0) return [];
  const flag = "--experimental-wasm-relaxed-simd";
  const flagged = spawnSync(process.execPath, [flag, "-e", probe], { stdio: "ignore" });
  return flagged.status === 0 ? [flag] : [];
}

/**
 * The Node flags the template kernel.json puts before the entry point. `--max-semi-space-size=2` caps the
 * kernel's main-thread young generation: left alone, V8 doubles it every so often over thousands of cells
 * (2 to 32 MB over a 5,000-cell soak, issue 10), although the main thread only relays messages. The
 * language worker and the execution process keep V8's default (language-client.ts, exec-host.ts).
 */
export function templateNodeFlags(template: { argv?: unknown }): string[] {
  const argv = Array.isArray(template.argv) ? (template.argv as string[]) : [];
  const entry = argv.findIndex((arg) => arg.endsWith("jaclab.js"));
  return entry > 1 ? argv.slice(1, entry) : [];
}

/** The kernel.json for this installation: the template with this node and this package's entry point. */
export function kernelSpec(root: string, displayName: string | undefined): Record<string, unknown> {
  const template = JSON.parse(readFileSync(join(root, "kernel.json"), "utf8")) as Record<string, unknown>;
  return {
    ...template,
    argv: [
      process.execPath,
      ...kernelNodeFlags(),
      ...templateNodeFlags(template),
      join(root, "bin", "jaclab.js"),
      "kernel",
      "{connection_file}",
    ],
    display_name: displayName ?? template.display_name ?? "TypeScript (jaclab)",
    language: "typescript",
    interrupt_mode: "message",
  };
}

/** Writes the kernelspec and returns its directory. */
export function installKernelspec(
  location: InstallLocation,
  name: string,
  displayName: string | undefined,
): string {
  const root = packageRoot();
  const directory = kernelspecDirectory(location, name);
  mkdirSync(directory, { recursive: true });
  writeFileSync(
    join(directory, "kernel.json"),
    `${JSON.stringify(kernelSpec(root, displayName), null, 2)}\n`,
  );
  for (const logo of logoFiles) copyFileSync(join(root, "kernel", logo), join(directory, logo));
  return directory;
}
