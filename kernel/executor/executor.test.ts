// End-to-end tests of the executor through createInterpreter(): redeclaration, top-level await, errors and
// tracebacks, outputs and their attribution, display, input, help, and interrupts. No sockets.

import assert from "node:assert/strict";
import { test } from "node:test";
import type { ExecuteOutcome } from "../interpreter.js";
import { createInterpreter } from "./index.js";
import { RecordingSink, run, sharedInterpreter } from "./test-support.js";

const interpreter = sharedInterpreter();

test("the last expression becomes the execute result", async () => {
  const { outcome, sink } = await run(interpreter, "const base = 40;\nbase + 2");
  assert.equal(outcome.status, "ok");
  assert.equal(sink.result(), "42");
  const declarationOnly = await run(interpreter, "let nothingShown = 1;");
  assert.equal(declarationOnly.sink.result(), undefined);
});

test("let, const, function and class are redeclared in later cells with their new types", async () => {
  await run(
    interpreter,
    "let value = 1;\nconst fixed = 2;\nfunction twice(n: number) { return 2 * n; }\nclass Box { size = 1; }",
  );
  const second = await run(
    interpreter,
    'let value = "text";\nconst fixed = "again";\nfunction twice(s: string) { return s + s; }\nclass Box { label = "b"; }',
  );
  assert.equal(second.outcome.status, "ok");
  const used = await run(interpreter, "value.toUpperCase() + fixed + twice('x') + new Box().label");
  assert.equal(used.outcome.status, "ok");
  assert.equal(used.sink.result(), "'TEXTagainxxb'");
  const oldType = await run(interpreter, "const n: number = value;");
  assert.equal(oldType.outcome.status, "error");
});

test("variables survive across cells and reassignment is visible to earlier functions", async () => {
  await run(interpreter, "let counter = 0;\nfunction bump() { counter += 1; return counter; }");
  await run(interpreter, "bump(); bump();");
  const { sink } = await run(interpreter, "counter");
  assert.equal(sink.result(), "2");
});

test("destructuring declarations define every bound name", async () => {
  const { sink } = await run(
    interpreter,
    "const { a: first, b: [second] } = { a: 1, b: [2] };\nfirst + second",
  );
  assert.equal(sink.result(), "3");
});

test("top-level await works, in expressions and in declarations", async () => {
  const declared = await run(
    interpreter,
    "const later = await new Promise<number>((resolve) => setTimeout(() => resolve(5), 5));",
  );
  assert.equal(declared.outcome.status, "ok");
  const { sink } = await run(interpreter, "(await Promise.resolve(later)) * 2");
  assert.equal(sink.result(), "10");
});

test("a type error names the cell line and column, quotes the line with a caret, and the cell does not run", async () => {
  const { outcome, sink } = await run(interpreter, 'console.log("ran");\nconst wrong: number = "text";');
  assert.equal(outcome.status, "error");
  if (outcome.status !== "error") return;
  assert.equal(outcome.ename, "TSError");
  assert.match(outcome.traceback[0], /Cell line 2, column 7: error TS2322/);
  assert.equal(outcome.traceback[1], '    const wrong: number = "text";');
  assert.equal(outcome.traceback[2], "          ^^^^^");
  assert.equal(sink.text("stdout"), "");
});

test("a syntax error is reported as SyntaxError", async () => {
  const { outcome } = await run(interpreter, "let = ;");
  assert.equal(outcome.status, "error");
  assert.equal(outcome.status === "error" && outcome.ename, "SyntaxError");
});

test("// @ts-nocheck skips checking; @ts-expect-error and @ts-ignore work", async () => {
  const unchecked = await run(interpreter, '// @ts-nocheck\nconst loose: number = "text";\nloose');
  assert.equal(unchecked.sink.result(), "'text'");
  const expected = await run(interpreter, '// @ts-expect-error\nconst allowed: number = "a";\nallowed');
  assert.equal(expected.sink.result(), "'a'");
  const ignored = await run(interpreter, '// @ts-ignore\nconst ignoredToo: number = "b";\nignoredToo');
  assert.equal(ignored.sink.result(), "'b'");
});

test("a thrown error gives ename, evalue and a traceback pointing at cell lines", async () => {
  const { outcome } = await run(
    interpreter,
    'function fail(): never {\n  throw new RangeError("too far");\n}\n\nfail();',
  );
  assert.equal(outcome.status, "error");
  if (outcome.status !== "error") return;
  assert.equal(outcome.ename, "RangeError");
  assert.equal(outcome.evalue, "too far");
  const frames = outcome.traceback.join("\n");
  assert.match(frames, /line 2, column 9, in fail/);
  assert.match(frames, /line 5, column 1\b/);
  assert.doesNotMatch(frames, /exec-worker|node:internal/);
});

test("console and process streams go to the cell, and late output goes to the cell that wrote it", async () => {
  // The late line waits for the next cell to release it (not for a fixed time), so load cannot move it.
  const first = await run(
    interpreter,
    'console.log("out", 1);\nconsole.error("err");\nprocess.stdout.write("raw\\n");\n' +
      "const released = (): boolean => (globalThis as { releaseLate?: boolean }).releaseLate === true;\n" +
      'const lateTick = (): void => void (released() ? console.log("late") : setTimeout(lateTick, 10));\n' +
      "setTimeout(lateTick, 10);",
  );
  assert.equal(first.sink.text("stdout"), "out 1\nraw\n");
  assert.equal(first.sink.text("stderr"), "err\n");
  const second = await run(
    interpreter,
    "(globalThis as { releaseLate?: boolean }).releaseLate = true;\nawait new Promise((resolve) => setTimeout(resolve, 80));",
  );
  await stdoutShows([first.sink], "late");
  assert.equal(first.sink.text("stdout"), "out 1\nraw\nlate\n");
  assert.equal(second.sink.text("stdout"), "");
});

test("output printed before a long synchronous computation reaches the sink while the cell still runs", async () => {
  const sink = new RecordingSink();
  const cell = run(
    interpreter,
    'console.log("epoch 1");\nconsole.log("loss 0.5");\nconst until = Date.now() + 1500;\nwhile (Date.now() < until) {}',
    { sink },
  );
  const deadline = Date.now() + 1200;
  let seen = "";
  while (Date.now() < deadline && !seen.includes("loss 0.5")) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    seen = sink.text("stdout");
  }
  assert.equal(seen, "epoch 1\nloss 0.5\n", "both lines arrive before the loop ends");
  const { outcome } = await cell;
  assert.equal(outcome.status, "ok");
});

test("an unhandled rejection and an error in a timer go to the originating cell's stderr; the kernel survives", async () => {
  const origin = await run(
    interpreter,
    'setTimeout(() => { Promise.reject(new Error("nobody waits")); }, 20);\nsetTimeout(() => { throw new Error("timer failed"); }, 30);',
  );
  const bystander = await run(
    interpreter,
    "await new Promise((resolve) => setTimeout(resolve, 120));\n1 + 1",
  );
  assert.match(origin.sink.text("stderr"), /Uncaught \(in promise\) Error: nobody waits/);
  assert.match(origin.sink.text("stderr"), /Uncaught Error: timer failed\n.*line 2/);
  assert.equal(bystander.sink.text("stderr"), "");
  assert.equal(bystander.sink.result(), "2");
});

test("process.exit() is refused with a clear error", async () => {
  const { outcome } = await run(interpreter, "process.exit(0);");
  assert.equal(outcome.status, "error");
  assert.match(outcome.status === "error" ? outcome.evalue : "", /refused/);
});

test("display, the typed displays, updateDisplay and clearOutput reach the sink in order", async () => {
  const { sink } = await run(
    interpreter,
    [
      'const shown = { [Symbol.for("Jupyter.display")]: async () => ({ "text/html": "<b>rich</b>" }) };',
      'display(shown, { id: "d1" });',
      'display.svg("<svg></svg>");',
      'updateDisplay("d1", 7);',
      "clearOutput({ wait: true });",
      "shown",
    ].join("\n"),
  );
  assert.deepEqual(
    sink.outputs.map((output) => output.kind),
    ["display", "display", "update", "clear", "result"],
  );
  assert.deepEqual(sink.outputs[0], {
    kind: "display",
    data: { "text/html": "<b>rich</b>" },
    displayId: "d1",
  });
  assert.deepEqual(sink.outputs[1], {
    kind: "display",
    data: { "image/svg+xml": "<svg></svg>" },
    displayId: undefined,
  });
  assert.deepEqual(sink.outputs[2], { kind: "update", data: { "text/plain": "7" }, displayId: "d1" });
  assert.deepEqual(sink.outputs[4], {
    kind: "result",
    executionCount: sink.outputs[4].kind === "result" ? sink.outputs[4].executionCount : -1,
    data: { "text/html": "<b>rich</b>" },
  });
});

test("input asks through the sink when stdin is allowed, and fails clearly when it is not", async () => {
  const allowed = await run(
    interpreter,
    'const secret = await input("Password: ", { password: true });\nsecret',
    {
      allowStdin: true,
      answers: ["hunter2"],
    },
  );
  assert.deepEqual(allowed.sink.outputs[0], { kind: "input", prompt: "Password: ", password: true });
  assert.equal(allowed.sink.result(), "'hunter2'");
  const refused = await run(interpreter, 'await input("Name? ")');
  assert.equal(refused.outcome.status, "error");
  assert.match(refused.outcome.status === "error" ? refused.outcome.evalue : "", /stdin/);
});

test("help puts the signature and doc comment into a page payload", async () => {
  const { outcome } = await run(
    interpreter,
    "/** Adds one to a number. */\nfunction addOne(n: number) { return n + 1; }\nhelp(addOne);",
  );
  assert.equal(outcome.status, "ok");
  if (outcome.status !== "ok") return;
  const page = outcome.payload[0] as { source: string; data: Record<string, string> };
  assert.equal(page.source, "page");
  assert.match(page.data["text/plain"], /function addOne\(n: number\): number/);
  assert.match(page.data["text/plain"], /Adds one to a number\./);
});

test("user expressions are evaluated after the cell", async () => {
  const { outcome } = await run(interpreter, "const answer = 6 * 7;", {
    userExpressions: { a: "answer", bad: "missing.x" },
  });
  assert.equal(outcome.status, "ok");
  if (outcome.status !== "ok") return;
  assert.deepEqual(outcome.userExpressions.a, { status: "ok", data: { "text/plain": "42" }, metadata: {} });
  assert.equal(outcome.userExpressions.bad.status, "error");
});

/** Asserts that a cell ended with KeyboardInterrupt (saying what it ended with otherwise). */
function assertInterrupted(outcome: ExecuteOutcome): void {
  assert.equal(outcome.status === "error" && outcome.ename, "KeyboardInterrupt", JSON.stringify(outcome));
}

test("interrupt stops a synchronous busy loop within a second and keeps earlier variables", async () => {
  await run(interpreter, "const keep = 'kept';");
  const started = Date.now();
  const busy = run(interpreter, "let spins = 0;\nwhile (true) { spins++; }");
  await new Promise((resolve) => setTimeout(resolve, 300));
  const interruptedAt = Date.now();
  await interpreter.interrupt();
  const { outcome } = await busy;
  assert.ok(Date.now() - interruptedAt < 1000, `interrupt took ${Date.now() - interruptedAt} ms`);
  assert.ok(Date.now() - started >= 300);
  assertInterrupted(outcome);
  const after = await run(interpreter, "keep");
  assert.equal(after.sink.result(), "'kept'");
});

test("interrupt stops a cell that awaits a promise that never settles", async () => {
  const waiting = run(interpreter, "await new Promise(() => {});");
  await new Promise((resolve) => setTimeout(resolve, 100));
  await interpreter.interrupt();
  const { outcome } = await waiting;
  assertInterrupted(outcome);
  const after = await run(interpreter, "2 + 2");
  assert.equal(after.sink.result(), "4");
});

/** Resolves once one of `sinks` shows `text` on stdout; rejects after `ms` (the output comes from a timer). */
async function stdoutShows(sinks: RecordingSink[], text: string, ms = 20_000): Promise<void> {
  const shown = (): boolean => sinks.some((sink) => sink.text("stdout").includes(text));
  for (const deadline = Date.now() + ms; !shown();) {
    if (Date.now() > deadline) throw new Error(`stdout never showed ${JSON.stringify(text)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test("an interrupt while a cell awaits ends it there: the code after the await never runs", async () => {
  const sink = new RecordingSink();
  const waiting = run(
    interpreter,
    "console.log('waiting');\nawait new Promise((resolve) => setTimeout(resolve, 600));\n" +
      "(globalThis as { resumedAfterInterrupt?: boolean }).resumedAfterInterrupt = true;",
    { sink },
  );
  await stdoutShows([sink], "waiting");
  await interpreter.interrupt();
  assertInterrupted((await waiting).outcome);
  const later = await run(
    interpreter,
    "await new Promise((resolve) => setTimeout(resolve, 900));\n(globalThis as { resumedAfterInterrupt?: boolean }).resumedAfterInterrupt",
  );
  assert.equal(later.sink.result(), undefined);
  assert.equal(later.sink.text("stderr"), "", "the stopped continuation reports nothing");
});

// Each step waits for what it depends on (never for a fixed time), so load cannot change the outcome; the
// timeout makes a regression fail instead of hanging the run.
test(
  "interrupt stops busy JavaScript in any phase: a loop after an await, a timer's loop with no cell running, " +
    "and one a waiting cell is queued behind, keeping variables and later output",
  { timeout: 120_000 },
  async () => {
    await run(interpreter, "const survivor = 'alive';");
    const afterAwait = run(
      interpreter,
      "await new Promise((resolve) => setTimeout(resolve, 20));\nwhile (true) {}",
    );
    // Interrupted while still type-checked or once looping, the cell ends with KeyboardInterrupt either way.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await interpreter.interrupt();
    const first = await afterAwait;
    assertInterrupted(first.outcome);

    // No cell is running: the timer of a finished cell is busy, and nothing else could stop it.
    const idle = await run(
      interpreter,
      "setImmediate(() => {\n  console.log('looping');\n  while (true) {}\n});",
    );
    await stdoutShows([idle.sink], "looping");
    await interpreter.interrupt();
    const next = await run(interpreter, "survivor");
    assert.equal(next.sink.result(), "'alive'");

    // A cell waits behind a busy timer, checked or still being checked: it ends with KeyboardInterrupt (and
    // never runs), the timer's loop is stopped, and the cell after it runs.
    const timer = await run(
      interpreter,
      "setTimeout(() => console.log('late from timer cell'), 400);\nsetImmediate(() => {\n  console.log('busy');\n  while (true) {}\n});",
    );
    await stdoutShows([timer.sink], "busy");
    // Interrupted one turn of the event loop after it was sent (it is then being type-checked), and a second
    // after (then usually checked and queued in the execution process): the same outcome either way.
    const recent: RecordingSink[] = [];
    for (const [index, waitMs] of [0, 1000].entries()) {
      const waiting = run(
        interpreter,
        `(globalThis as { waitingCellRan?: boolean }).waitingCellRan = true;\n${index} + 1`,
      );
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      await interpreter.interrupt();
      const second = await waiting;
      assertInterrupted(second.outcome);
      if (index === 0) {
        const again = await run(
          interpreter,
          "setImmediate(() => {\n  console.log('busy again');\n  while (true) {}\n});",
        );
        recent.push(again.sink);
        await stdoutShows([again.sink], "busy again");
      }
    }

    const after = await run(
      interpreter,
      "await new Promise((resolve) => setTimeout(resolve, 400));\n[survivor, (globalThis as { waitingCellRan?: boolean }).waitingCellRan]",
    );
    assert.equal(after.sink.result(), "[ 'alive', undefined ]");
    // A timer that fires while the execution process recovers from an interrupt (cell contexts are off until
    // the next cell starts) writes to the latest cell, as output of no cell does.
    await stdoutShows([timer.sink, after.sink, ...recent], "late from timer cell");
  },
);

test("an execution process whose kernel is gone (its stderr pipe broken) exits instead of spinning", async () => {
  // What a write to stderr gets once the kernel has died: an EPIPE error on the stream.
  const broken = await run(
    interpreter,
    'process.stderr.emit("error", Object.assign(new Error("write EPIPE"), { code: "EPIPE" }));\n' +
      "await new Promise((resolve) => setTimeout(resolve, 5000));",
  );
  assert.equal(broken.outcome.status, "error");
  assert.match(
    broken.outcome.status === "error" ? broken.outcome.evalue : "",
    /execution process stopped \(exit code 0\)/,
  );
  const next = await run(interpreter, "1 + 1");
  assert.equal(next.sink.result(), "2");
});

test("an interrupt that meets the kernel's shutdown ends quietly, without a fresh execution process", async () => {
  // jupyter_client interrupts right before its shutdown_request; the interrupt must not outlive the kernel.
  const doomed = createInterpreter();
  await doomed.start();
  const interrupted = doomed.interrupt();
  await doomed.shutdown();
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<string>((resolve) => (timer = setTimeout(() => resolve("stuck"), 10_000)));
  assert.equal(await Promise.race([interrupted.then(() => "ended"), stuck]), "ended");
  clearTimeout(timer);
});
