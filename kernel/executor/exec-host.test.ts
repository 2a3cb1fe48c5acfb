// The execution process's environment: NODE_EXTRA_CA_CERTS as the launcher set it, whatever the kernel had;
// the kernel's Node flags but its main thread's young-generation cap.

import assert from "node:assert/strict";
import { test } from "node:test";
import { cellEnvironment, cellNodeFlags, SAVED_CA_CERTS_VARIABLE } from "./exec-host.js";

test("cells get the launcher's NODE_EXTRA_CA_CERTS back from the kernelspec's saved copy", () => {
  const kernel = { PATH: "/bin", NODE_EXTRA_CA_CERTS: "", [SAVED_CA_CERTS_VARIABLE]: "/etc/ca.pem" };
  assert.deepEqual(cellEnvironment(kernel), { PATH: "/bin", NODE_EXTRA_CA_CERTS: "/etc/ca.pem" });
});

test("a launcher without the variable (the template left unfilled, or empty) leaves cells without it", () => {
  for (const saved of ["${NODE_EXTRA_CA_CERTS}", ""]) {
    const kernel = { PATH: "/bin", NODE_EXTRA_CA_CERTS: "", [SAVED_CA_CERTS_VARIABLE]: saved };
    assert.deepEqual(cellEnvironment(kernel), { PATH: "/bin" });
  }
});

test("a kernel started without the kernelspec's variables passes its environment on unchanged", () => {
  const kernel = { PATH: "/bin", NODE_EXTRA_CA_CERTS: "/mine.pem" };
  assert.deepEqual(cellEnvironment(kernel), kernel);
});

test("the execution process gets the kernel's Node flags but its cap on the main thread's young generation", () => {
  const kernel = ["--experimental-wasm-relaxed-simd", "--max-semi-space-size=2", "--stack-size=2000"];
  assert.deepEqual(cellNodeFlags(kernel), ["--experimental-wasm-relaxed-simd", "--stack-size=2000"]);
});
