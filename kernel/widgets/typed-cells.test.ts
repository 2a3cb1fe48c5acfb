// Widgets as a type-checked cell sees them: a selection's value has the type of its options' values,
// observers see the watched attribute's type, and interact's controls and arguments follow their specs.
// Through the real interpreter and its language service, as a notebook user types them.

import assert from "node:assert/strict";
import { test } from "node:test";
import type { ExecuteOutcome } from "../interpreter.js";
import { run, sharedInterpreter } from "../executor/test-support.js";

const interpreter = sharedInterpreter();

/** Runs a cell that must type-check and run; returns its result's text. */
async function result(code: string): Promise<string | undefined> {
  const { outcome, sink } = await run(interpreter, code);
  assert.equal(outcome.status, "ok", JSON.stringify(outcome));
  return sink.result();
}

/** Runs a cell that must fail to type-check; returns the first line of its traceback. */
async function typeError(code: string): Promise<string> {
  const { outcome, sink } = await run(interpreter, code);
  const failed = outcome as Extract<ExecuteOutcome, { status: "error" }>;
  assert.equal(failed.status, "error", `${code} type-checked`);
  assert.equal(failed.ename, "TSError", JSON.stringify(outcome));
  assert.equal(sink.text("stdout"), "", "a cell that does not type-check does not run");
  return failed.traceback.join("\n");
}

/** What hover shows at the end of `code`. */
async function hover(code: string): Promise<string> {
  const found = await interpreter.inspect(code, [...code].length, 0);
  assert.equal(found.found, true, code);
  return String(found.data["text/plain"]);
}

test("a Dropdown's value has the type of its options' values, without a cast", async () => {
  assert.equal(
    await result("const numbers = new widgets.Dropdown({ options: [1, 2, 3] });\nnumbers.value + 1"),
    "2",
  );
  assert.equal(
    await result(
      'const letters = new widgets.Dropdown({ options: ["a", "b"] });\nletters.value.toUpperCase()',
    ),
    "'A'",
  );
  assert.match(await hover("letters"), /const letters: widgets\.Dropdown<"a" \| "b">/);
  assert.match(
    await hover("numbers.value"),
    /\.value: [123] \| [123] \| [123]\n\nThe selected option's value/,
  );
  assert.match(
    await typeError("letters.value = 5;"),
    /error TS2322: Type '5' is not assignable to type '"a" \| "b"'/,
  );
  assert.match(
    await typeError('console.log("ran");\nnew widgets.Dropdown({ options: ["a", "b"], value: "c" });'),
    /Type '"c"' is not assignable to type '"a" \| "b"( \| undefined)?'/,
  );
  // Given as a type, the value may be any string (options set later), and a number is still refused.
  assert.equal(
    await result(
      'const free = new widgets.Dropdown<string>({ options: ["x"] });\nfree.options = ["y", "z"];\nfree.value',
    ),
    "'y'",
  );
  assert.match(await typeError("free.value = 1;"), /Type 'number' is not assignable to type 'string'/);
});

test("[label, value] pairs and { label: value } give the values' type; ToggleButtons alike", async () => {
  assert.equal(
    await result(
      'const mode = new widgets.ToggleButtons({ options: [["reverse", "jacrev"], ["forward", "jacfwd"]], value: "jacfwd" });\nmode.value.length',
    ),
    "6",
  );
  assert.match(await hover("mode"), /widgets\.ToggleButtons<"jacrev" \| "jacfwd">/);
  assert.equal(
    await result(
      "const scale = new widgets.Dropdown({ options: { small: 0.1, large: 10 } });\nscale.value * 2",
    ),
    "0.2",
  );
  assert.match(
    await typeError(
      'const fns = new widgets.Dropdown({ options: [["double", (x: number) => 2 * x]] });\nfns.value("x")',
    ),
    /Argument of type 'string' is not assignable to parameter of type 'number'/,
  );
});

test("observe gives the handler the watched attribute's type, and refuses a misspelt attribute", async () => {
  assert.equal(
    await result(
      [
        "const seen: string[] = [];",
        'const shout = (change: widgets.Change<"jacrev" | "jacfwd", typeof mode, "value">) => { seen.push(change.new.toUpperCase()); };',
        'mode.observe(shout, "value");',
        "mode.index = 0;",
        'mode.unobserve(shout, "value");',
        "mode.index = 1;",
        "seen",
      ].join("\n"),
    ),
    "[ 'JACREV' ]",
  );
  const slider = await result(
    [
      "const slider = new widgets.FloatSlider({ value: 1 });",
      "const moved: string[] = [];",
      'slider.observe((change) => { moved.push(`${change.name} ${change.new.toFixed(1)}`); }, ["min", "max"]);',
      "slider.observe((change) => { moved.push(change.name); });",
      "slider.max = 5;",
      "moved",
    ].join("\n"),
  );
  assert.equal(slider, "[ 'max 5.0', 'max' ]");
  assert.match(
    await typeError('mode.observe((change) => change.new.toFixed(1), "value");'),
    /Property 'toFixed' does not exist on type '"jacrev" \| "jacfwd"'/,
  );
  assert.match(
    await typeError('slider.observe(() => {}, "valeu");'),
    /error TS2345: Argument of type '"valeu"'/,
  );
});

test("interact's arguments and controls follow their specs: a list of strings gives their union", async () => {
  const code = [
    "const ui = interactive(({ q0, mode, on, n, w }) => `${mode.toUpperCase()} ${q0.toFixed(1)} ${on === true} ${n + 1} ${w * 2}`, {",
    '  q0: [-2, 2, 0.25], mode: ["jacrev", "jacfwd"], on: true, n: 3,',
    '  w: new widgets.Dropdown({ options: [["one", 1], ["two", 2]] }),',
    "});",
    "ui.result",
  ].join("\n");
  assert.equal(await result(code), "'JACREV 0.0 true 4 2'");
  assert.match(await hover("ui.controls.mode"), /mode: widgets\.ValueWidget<"jacrev" \| "jacfwd">/);
  assert.match(await hover("ui.controls.q0"), /q0: widgets\.ValueWidget<number>/);
  assert.match(
    await typeError('interactive(({ mode }) => mode === "jacrevv", { mode: ["jacrev", "jacfwd"] });'),
    /error TS2367: .*'"jacrev" \| "jacfwd"' and '"jacrevv"' have no overlap/,
  );
});
