// End-to-end tests of the `jaclab` command's exits: usage errors, --version, and a connection file whose
// signature scheme the kernel cannot compute.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packageRoot } from "./paths.js";

const jaclab = (...args: string[]): ReturnType<typeof spawnSync> =>
  spawnSync(process.execPath, [join(packageRoot(), "bin", "jaclab.js"), ...args], {
    encoding: "utf8",
    timeout: 10000,
  });

test("--version prints package.json's version", () => {
  const result = jaclab("--version");
  const manifest = JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as {
    version: string;
  };
  assert.equal(result.status, 0);
  assert.equal(String(result.stdout).trim(), manifest.version);
});

test("bad arguments print usage on stderr and exit non-zero", () => {
  for (const args of [[], ["nonsense"], ["install", "--bogus"], ["kernel"]]) {
    const result = jaclab(...args);
    assert.notEqual(result.status, 0, JSON.stringify(args));
    assert.match(String(result.stderr), /Usage:\n {2}jaclab install/);
  }
});

test("an unknown signature_scheme stops the kernel at start with a clear error", (t) => {
  const directory = mkdtempSync(join(tmpdir(), "jaclab-cli-"));
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  const file = join(directory, "connection.json");
  const ports = { shell_port: 0, iopub_port: 0, stdin_port: 0, control_port: 0, hb_port: 0 };
  writeFileSync(
    file,
    JSON.stringify({ ...ports, ip: "127.0.0.1", transport: "tcp", key: "k", signature_scheme: "hmac-md99" }),
  );
  const result = jaclab("kernel", file);
  assert.equal(result.status, 1);
  assert.match(String(result.stderr), /unsupported signature_scheme "hmac-md99"/);
});

test("a missing connection file is reported, not a crash trace", () => {
  const result = jaclab("kernel", "/nonexistent/connection.json");
  assert.equal(result.status, 1);
  assert.match(String(result.stderr), /cannot read connection file \/nonexistent\/connection\.json/);
});
