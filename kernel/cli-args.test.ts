// Unit tests of command-line parsing and of where install puts the kernelspec.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "./cli-args.js";
import { UsageError } from "./errors.js";
import { installKernelspec, kernelNodeFlags, kernelspecDirectory } from "./install.js";
import { historyFilePath, jupyterDataDir } from "./paths.js";

test("install flags", () => {
  assert.deepEqual(parseArgs(["install"]), {
    command: "install",
    location: { kind: "user" },
    name: "jaclab",
    displayName: undefined,
  });
  assert.deepEqual(
    parseArgs(["install", "--prefix", "/opt/x", "--name", "Jac-2", "--display-name", "TS 2"]),
    {
      command: "install",
      location: { kind: "prefix", directory: "/opt/x" },
      name: "jac-2",
      displayName: "TS 2",
    },
  );
  assert.deepEqual(parseArgs(["install", "--sys-prefix", "--name=x"]).command, "install");
});

test("kernel, version, help", () => {
  assert.deepEqual(parseArgs(["kernel", "/tmp/c.json"]), {
    command: "kernel",
    connectionFile: "/tmp/c.json",
  });
  assert.deepEqual(parseArgs(["kernel", "-f", "/tmp/c.json"]), {
    command: "kernel",
    connectionFile: "/tmp/c.json",
  });
  assert.deepEqual(parseArgs(["--version"]), { command: "version" });
  assert.deepEqual(parseArgs(["--help"]), { command: "help" });
});

test("bad arguments are UsageErrors", () => {
  for (const args of [
    [],
    ["frob"],
    ["kernel"],
    ["kernel", "a", "b"],
    ["install", "--user", "--prefix", "/x"],
    ["install", "--prefix"],
    ["install", "--name", "bad name"],
    ["install", "--what"],
    ["--version", "x"],
  ]) {
    assert.throws(() => parseArgs(args), UsageError, JSON.stringify(args));
  }
});

test("kernelspec directories follow jupyter's data dir and prefixes", () => {
  const env = { JUPYTER_DATA_DIR: "/data/jup", VIRTUAL_ENV: "/venv" };
  assert.equal(kernelspecDirectory({ kind: "user" }, "jaclab", env), "/data/jup/kernels/jaclab");
  assert.equal(
    kernelspecDirectory({ kind: "sys-prefix" }, "jaclab", env),
    "/venv/share/jupyter/kernels/jaclab",
  );
  assert.equal(
    kernelspecDirectory({ kind: "prefix", directory: "/p" }, "k", env),
    "/p/share/jupyter/kernels/k",
  );
});

test("install writes kernel.json pointing at this node and bin/jaclab.js, plus both logos", (t) => {
  const prefix = mkdtempSync(join(tmpdir(), "jaclab-install-"));
  t.after(() => rmSync(prefix, { recursive: true, force: true }));
  const directory = installKernelspec({ kind: "prefix", directory: prefix }, "jt", "My TS");
  assert.deepEqual(readdirSync(directory).sort(), ["kernel.json", "logo-32x32.png", "logo-64x64.png"]);
  const spec = JSON.parse(readFileSync(join(directory, "kernel.json"), "utf8")) as Record<string, unknown>;
  const argv = spec.argv as string[];
  assert.equal(argv[0], process.execPath);
  // Node flags for relaxed SIMD where this Node needs them, the template's (the main thread's young
  // generation), then the entry point.
  const flags = argv.slice(1, -3);
  assert.deepEqual(flags, [...kernelNodeFlags(), "--max-semi-space-size=2"]);
  assert.match(argv[argv.length - 3] as string, /bin[/\\]jaclab\.js$/);
  assert.deepEqual(argv.slice(-2), ["kernel", "{connection_file}"]);
  assert.equal(spec.display_name, "My TS");
  assert.equal(spec.language, "typescript");
  assert.equal(spec.interrupt_mode, "message");
});

test("the history file and the Jupyter data dir follow the environment", () => {
  assert.equal(
    historyFilePath({ JACLAB_HISTORY_FILE: "/h/file.jsonl", JACLAB_HISTORY_DIR: "/d" }),
    "/h/file.jsonl",
  );
  assert.equal(historyFilePath({ JACLAB_HISTORY_DIR: "/d" }), "/d/history.jsonl");
  assert.equal(historyFilePath({ JUPYTER_DATA_DIR: "/j" }), "/j/jaclab/history.jsonl");
  assert.equal(jupyterDataDir({ XDG_DATA_HOME: "/x" }, "linux"), "/x/jupyter");
  assert.match(jupyterDataDir({}, "darwin"), /Library[/\\]Jupyter$/);
});
