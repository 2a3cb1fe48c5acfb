// The fidelity fixture (test/reference/fidelity-cases.json, written by test/reference/fidelity/generate.py
// with PyTorch and JAX): cases ported from their test suites, each with its inputs and the peer's result.
// Tests look a case up by name, run jaclab on its inputs and compare with `assertMatches`.
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { AssertionError } from "node:assert";
import { Tensor, isTensor } from "../tensor.js";
import { fmtShape } from "../errors.js";

/** One ported case: where it comes from, its inputs (tensors), and what the peer computed or refused. */
export interface FixtureCase {
  source: string;
  inputs: Record<string, Tensor>;
  /** The decoded expected value: tensors, numbers, booleans, null, strings (error messages), containers. */
  expected: unknown;
  /** The peer's error message when it refuses the whole call. */
  error?: string;
}

interface Encoded {
  shape?: number[];
  data?: (number | string)[];
  number?: number | string;
  tree?: Record<string, unknown>;
}

function number(v: number | string): number {
  return typeof v === "number" ? v : Number(v);
}

function decode(v: unknown): unknown {
  if (v === null || typeof v === "boolean" || typeof v === "string") return v;
  if (Array.isArray(v)) return v.map(decode);
  const e = v as Encoded;
  if (e.shape !== undefined && e.data !== undefined)
    return new Tensor(Float64Array.from(e.data, number), e.shape);
  if (e.number !== undefined) return number(e.number);
  if (e.tree !== undefined) return Object.fromEntries(Object.entries(e.tree).map(([k, x]) => [k, decode(x)]));
  throw new AssertionError({ message: `fixture: cannot decode ${JSON.stringify(v).slice(0, 80)}` });
}

let loaded: { torch: string; jax: string; cases: Record<string, FixtureCase> } | undefined;

/** The whole fixture, decoded once. */
export function fixture(): { torch: string; jax: string; cases: Record<string, FixtureCase> } {
  if (loaded === undefined) {
    const url = new URL("../../../test/reference/fidelity-cases.json", import.meta.url);
    const raw = JSON.parse(readFileSync(url, "utf8")) as {
      torch: string;
      jax: string;
      cases: Record<
        string,
        { source: string; inputs: Record<string, unknown>; expected?: unknown; error?: string }
      >;
    };
    const cases: Record<string, FixtureCase> = {};
    for (const [name, c] of Object.entries(raw.cases)) {
      cases[name] = {
        source: c.source,
        inputs: Object.fromEntries(Object.entries(c.inputs).map(([k, x]) => [k, decode(x) as Tensor])),
        expected: c.expected === undefined ? undefined : decode(c.expected),
        error: c.error,
      };
    }
    loaded = { torch: raw.torch, jax: raw.jax, cases };
  }
  return loaded;
}

/** The names of the fixture's cases that start with `prefix` (e.g. "func."). */
export function caseNames(prefix: string): string[] {
  return Object.keys(fixture().cases).filter((n) => n.startsWith(prefix));
}

/** What a refused call looks like on jaclab's side: the error it threw. */
export interface Thrown {
  thrown: Error;
}

/** Runs fn and returns its error wrapped as {@link Thrown} (an AssertionError when it does not throw). */
export function thrown(fn: () => unknown): Thrown {
  try {
    fn();
  } catch (e) {
    return { thrown: e as Error };
  }
  throw new AssertionError({ message: "expected the call to throw (the peer refuses it), but it returned" });
}

/** A deliberate, documented difference from the peer at one place of a case (see {@link diverges}). */
export interface Divergence {
  diverges: string;
}

/**
 * Marks where jaclab deliberately differs from the peer (the reason says how, and a test of its own
 * checks jaclab's behaviour there): assertMatches accepts it in place of the peer's value.
 */
export function diverges(reason: string): Divergence {
  return { diverges: reason };
}

function fail(path: string, message: string): never {
  throw new AssertionError({ message: `${path}: ${message}` });
}

/**
 * Throws unless `actual` (jaclab's result) matches `expected` (the peer's, decoded): same structure, tensors
 * of the same shape whose entries agree within tol * max(1, |expected|) (NaN matching NaN), a number for a
 * number (a one-element tensor too), and a thrown error where the peer's value is an error message.
 */
export function assertMatches(actual: unknown, expected: unknown, path = "result", tol = 1e-12): void {
  if (typeof actual === "object" && actual !== null && "diverges" in actual) return;
  if (typeof expected === "string") {
    if (typeof actual === "object" && actual !== null && "thrown" in actual) return;
    fail(path, `the peer refuses this call (${expected.slice(0, 120)}), but jaclab returned a value`);
  }
  if (expected === null || expected === undefined) {
    if (actual === null || actual === undefined) return;
    fail(
      path,
      `expected null (the peer's None), got ${isTensor(actual) ? `a tensor of shape ${fmtShape(actual.shape)}` : typeof actual}`,
    );
  }
  if (typeof expected === "boolean") {
    if (actual !== expected) fail(path, `expected ${expected}, got ${String(actual)}`);
    return;
  }
  if (typeof expected === "number") {
    const got = isTensor(actual) && actual.size === 1 ? actual.data[0] : actual;
    if (typeof got !== "number") fail(path, `expected the number ${expected}, got ${typeof actual}`);
    closeEnough(path, got, expected, tol);
    return;
  }
  if (isTensor(expected)) {
    if (typeof actual === "number" && expected.size === 1)
      return closeEnough(path, actual, expected.data[0], tol);
    if (!isTensor(actual))
      fail(
        path,
        `expected a tensor of shape ${fmtShape(expected.shape)}, got ${Array.isArray(actual) ? "an array" : typeof actual}`,
      );
    if (fmtShape(actual.shape) !== fmtShape(expected.shape)) {
      fail(path, `shape ${fmtShape(actual.shape)}, expected ${fmtShape(expected.shape)}`);
    }
    const a = actual.data;
    const e = expected.data;
    for (let i = 0; i < e.length; i++) closeEnough(`${path} entry ${i}`, a[i], e[i], tol);
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual))
      fail(
        path,
        `expected an array of ${expected.length}, got ${isTensor(actual) ? "a tensor" : typeof actual}`,
      );
    if (actual.length !== expected.length)
      fail(path, `array of ${actual.length}, expected ${expected.length}`);
    expected.forEach((e, i) => assertMatches(actual[i], e, `${path}[${i}]`, tol));
    return;
  }
  const exp = expected as Record<string, unknown>;
  if (typeof actual !== "object" || actual === null || Array.isArray(actual) || isTensor(actual)) {
    fail(path, `expected an object with keys ${Object.keys(exp).join(", ")}`);
  }
  const act = actual as Record<string, unknown>;
  const keys = Object.keys(exp).sort();
  const got = Object.keys(act).sort();
  if (keys.join() !== got.join()) fail(path, `keys ${got.join(", ")}, expected ${keys.join(", ")}`);
  for (const k of keys) assertMatches(act[k], exp[k], `${path}.${k}`, tol);
}

function closeEnough(path: string, a: number, e: number, tol: number): void {
  if (Number.isNaN(e) && Number.isNaN(a)) return;
  if (!(Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)))) fail(path, `${a}, expected ${e}`);
}

/** One case's jaclab side: it gets the decoded case and returns what to compare with the peer's result. */
export type PortedCase = (c: FixtureCase) => unknown;

/**
 * Registers one test per case of `impls` (named after the case and its source), each comparing jaclab's
 * result with the fixture's, and one test that the fixture's cases starting with `prefix` and `impls`
 * are the same set (a case ported on one side only is a failure). `tol` sets per-case tolerances.
 */
export function portedSuite(
  prefix: string,
  impls: Record<string, PortedCase>,
  tol: Record<string, number> = {},
): void {
  test(`${prefix}*: every ported case of the fixture has a jaclab side here, and no other`, () => {
    const inFixture = caseNames(prefix).sort();
    const here = Object.keys(impls).sort();
    const missing = inFixture.filter((n) => !here.includes(n));
    const extra = here.filter((n) => !inFixture.includes(n));
    if (missing.length > 0 || extra.length > 0) {
      throw new AssertionError({
        message: `cases only in the fixture: ${missing.join(", ") || "none"}; only here: ${extra.join(", ") || "none"}`,
      });
    }
  });
  for (const [name, impl] of Object.entries(impls)) {
    const c = fixture().cases[name];
    test(`${name} (${c?.source ?? "not in the fixture"})`, () => {
      if (c === undefined) throw new AssertionError({ message: `${name} is not in the fixture` });
      const actual = impl(c);
      assertMatches(actual, c.error ?? c.expected, name, tol[name] ?? 1e-12);
    });
  }
}
