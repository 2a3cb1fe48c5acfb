#!/usr/bin/env node
// The `jaclab` command: a thin shim over the compiled CLI (run `npm run build` first).
import("../dist/kernel/cli.js").catch((error) => {
  console.error(`jaclab: cannot start: ${error instanceof Error ? error.message : String(error)}`);
  console.error("jaclab: has the project been built? Run `npm run build`.");
  process.exit(1);
});
