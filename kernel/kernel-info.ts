// The kernel_info_reply content. Versions come from package.json files, never from loading the 9 MB
// TypeScript compiler, so the kernel can answer kernel_info within milliseconds of starting.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { KernelMessage } from "@jupyterlab/services";
import { PROTOCOL_VERSION } from "./messages.js";
import { packageRoot } from "./paths.js";

function readVersion(manifestPath: string): string {
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { version?: unknown };
  return typeof manifest.version === "string" ? manifest.version : "unknown";
}

/** jaclab's own version, from its package.json. */
export function jaclabVersion(): string {
  return readVersion(join(packageRoot(), "package.json"));
}

/** The version of the TypeScript that checks cells, read from its package.json (the module is not loaded). */
export function typescriptVersion(): string {
  const require = createRequire(join(packageRoot(), "package.json"));
  return readVersion(require.resolve("typescript/package.json"));
}

/** Builds the kernel_info_reply content once; it never changes while the kernel runs. */
export function kernelInfo(): KernelMessage.IInfoReply {
  const version = jaclabVersion();
  const tsVersion = typescriptVersion();
  return {
    status: "ok",
    protocol_version: PROTOCOL_VERSION,
    implementation: "jaclab",
    implementation_version: version,
    language_info: {
      name: "typescript",
      version: tsVersion,
      mimetype: "text/typescript",
      file_extension: ".ts",
      codemirror_mode: "typescript",
      pygments_lexer: "typescript",
      nbconvert_exporter: "script",
    },
    banner:
      `jaclab ${version}: TypeScript ${tsVersion} on Node.js ${process.version}, ` +
      "with automatic differentiation (grad, jacrev, jacfwd, hessian) and Jacobian and graph displays",
    help_links: [
      { text: "TypeScript handbook", url: "https://www.typescriptlang.org/docs/handbook/intro.html" },
      { text: "Node.js API", url: `https://nodejs.org/docs/${process.version}/api/` },
      { text: "Jupyter messaging", url: "https://jupyter-client.readthedocs.io/en/latest/messaging.html" },
    ],
  };
}
