// The execution process's environment: NODE_EXTRA_CA_CERTS as the launcher set it, whatever the kernel had.

import assert from "node:assert/strict";
import { test } from "node:test";
import { cellEnvironment, SAVED_CA_CERTS_VARIABLE } from "./exec-host.js";

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
