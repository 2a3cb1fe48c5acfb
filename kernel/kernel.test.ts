// Unit tests of the dispatcher through an in-memory transport and a fake interpreter.

import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { DELIMITER } from "./wire.js";
import { KernelHarness, type Sent } from "./testing.js";

const types = (messages: Sent[]): string[] =>
  messages.map((m) =>
    m.header.msg_type === "status" ? `status:${String(m.content.execution_state)}` : m.header.msg_type,
  );

test("kernel_info: busy, reply to the sender's identity, idle, all with the request as parent", async () => {
  const kernel = new KernelHarness();
  const id = kernel.request("shell", "kernel_info_request", {}, [Buffer.from("a"), Buffer.from("b")]);
  const children = await kernel.untilIdle(id);
  assert.deepEqual(types(children), ["status:busy", "kernel_info_reply", "status:idle"]);
  const reply = children[1] as Sent;
  assert.equal(reply.channel, "shell");
  assert.deepEqual(reply.identities.map(String), ["a", "b"]);
  assert.equal(reply.content.implementation, "jaclab");
  assert.equal(reply.header.session, kernel.kernel.factory.session);
  const ids = kernel.sent().map((m) => m.header.msg_id);
  assert.equal(new Set(ids).size, ids.length);
});

test("kernel_info is served on control too", async () => {
  const kernel = new KernelHarness();
  const id = kernel.request("control", "kernel_info_request");
  const children = await kernel.untilIdle(id);
  assert.equal(children.find((m) => m.header.msg_type === "kernel_info_reply")?.channel, "control");
});

test("a badly signed execute is neither run nor answered", async () => {
  const kernel = new KernelHarness();
  const { frames } = kernel.frames("execute_request", { code: "write()" });
  frames[frames.indexOf(frames.find((f) => f.toString() === DELIMITER) as Buffer) + 1] = Buffer.from(
    "0".repeat(64),
  );
  await new Promise((resolve) => setImmediate(resolve)); // the starting status, signed at the end of its step
  const before = kernel.transport.sent.length;
  kernel.transport.deliver("shell", frames);
  const ping = kernel.request("shell", "kernel_info_request");
  await kernel.untilIdle(ping);
  assert.equal(kernel.interpreter.executed.length, 0);
  assert.deepEqual(types(kernel.sent().slice(before)), ["status:busy", "kernel_info_reply", "status:idle"]);
});

test("a throwing handler becomes an error reply, then idle", async () => {
  const kernel = new KernelHarness();
  kernel.interpreter.completeError = new RangeError("no completions today");
  const id = kernel.request("shell", "complete_request", { code: "x.", cursor_pos: 2 });
  const children = await kernel.untilIdle(id);
  assert.deepEqual(types(children), ["status:busy", "complete_reply", "status:idle"]);
  assert.equal(children[1]?.content.status, "error");
  assert.equal(children[1]?.content.ename, "RangeError");
  assert.equal(children[1]?.content.evalue, "no completions today");
});

test("invalid request content is answered with an error reply", async () => {
  const kernel = new KernelHarness();
  const id = kernel.request("shell", "execute_request", { code: 42 });
  const children = await kernel.untilIdle(id);
  const reply = children.find((m) => m.header.msg_type === "execute_reply");
  assert.equal(reply?.content.ename, "ProtocolError");
  assert.equal(kernel.interpreter.executed.length, 0);
});

test("an unknown message type gets no reply and the kernel keeps serving", async () => {
  const kernel = new KernelHarness();
  const id = kernel.request("shell", "frobnicate_request", {});
  assert.deepEqual(types(await kernel.untilIdle(id)), ["status:busy", "status:idle"]);
  const ping = kernel.request("shell", "kernel_info_request");
  assert.ok((await kernel.untilIdle(ping)).some((m) => m.header.msg_type === "kernel_info_reply"));
});

test("random and mangled frames never crash the kernel", async () => {
  const kernel = new KernelHarness();
  const { frames } = kernel.frames("execute_request", { code: "1" });
  const signed = frames.findIndex((frame) => frame.toString() === DELIMITER) + 1;
  for (let i = 0; i < 300; i++) {
    const mangled = frames.map((frame) =>
      Math.random() < 0.3 ? randomBytes(frame.length) : Buffer.from(frame),
    );
    // Always flip one byte of the signature or of a signed frame, so no copy is genuine.
    const target = mangled[signed + Math.floor(Math.random() * 5)] as Buffer;
    const at = Math.floor(Math.random() * target.length);
    target[at] = (target[at] as number) ^ (1 + Math.floor(Math.random() * 255));
    const cut = mangled.slice(0, Math.floor(Math.random() * (mangled.length + 1)));
    kernel.transport.deliver(i % 2 === 0 ? "shell" : "control", i % 3 === 0 ? [randomBytes(20)] : cut);
  }
  const ping = kernel.request("shell", "kernel_info_request");
  assert.ok((await kernel.untilIdle(ping)).some((m) => m.header.msg_type === "kernel_info_reply"));
  assert.equal(kernel.interpreter.executed.length, 0);
});

test("execute: execute_input, outputs, reply; count grows only with store_history and not silent", async () => {
  const kernel = new KernelHarness();
  const first = await kernel.untilIdle(kernel.request("shell", "execute_request", { code: "a" }));
  assert.deepEqual(types(first), [
    "status:busy",
    "execute_input",
    "stream",
    "execute_result",
    "execute_reply",
    "status:idle",
  ]);
  assert.equal(first[1]?.content.execution_count, 1);
  assert.equal(first[4]?.content.execution_count, 1);
  await kernel.untilIdle(kernel.request("shell", "execute_request", { code: "b", store_history: false }));
  const silent = await kernel.untilIdle(
    kernel.request("shell", "execute_request", { code: "c", silent: true }),
  );
  assert.deepEqual(types(silent), ["status:busy", "execute_reply", "status:idle"]);
  const last = await kernel.untilIdle(kernel.request("shell", "execute_request", { code: "d" }));
  assert.equal(last.find((m) => m.header.msg_type === "execute_reply")?.content.execution_count, 2);
  assert.deepEqual(
    kernel.interpreter.executed.map((r) => [r.code, r.executionCount, r.storeHistory]),
    [
      ["a", 1, true],
      ["b", 1, false],
      ["c", 1, false],
      ["d", 2, true],
    ],
  );
});

test("an error outcome publishes an error output and an error reply", async () => {
  const kernel = new KernelHarness();
  kernel.interpreter.cells.set("boom", async () => ({
    status: "error",
    ename: "TypeError",
    evalue: "x is not a function",
    traceback: ["at cell 1"],
  }));
  const children = await kernel.untilIdle(kernel.request("shell", "execute_request", { code: "boom" }));
  assert.deepEqual(types(children), [
    "status:busy",
    "execute_input",
    "error",
    "execute_reply",
    "status:idle",
  ]);
  assert.equal(children[3]?.content.status, "error");
  assert.equal(children[3]?.content.ename, "TypeError");
  assert.deepEqual(children[2]?.content.traceback, ["at cell 1"]);
});

/** A kernel whose fake interpreter fails the cell "fail" and runs every other cell. */
function kernelWithFailingCell(): KernelHarness {
  const kernel = new KernelHarness();
  kernel.interpreter.cells.set("fail", async () => ({
    status: "error",
    ename: "Error",
    evalue: "no",
    traceback: [],
  }));
  return kernel;
}

test("stop_on_error aborts the executes queued behind a failing one, not later ones", async () => {
  const kernel = kernelWithFailingCell();
  const failing = kernel.request("shell", "execute_request", { code: "fail" });
  const queued = kernel.request("shell", "execute_request", { code: "q1" });
  const info = kernel.request("shell", "kernel_info_request");
  const queued2 = kernel.request("shell", "execute_request", { code: "q2" });
  await kernel.untilIdle(queued2);
  const statusOf = (id: string): unknown =>
    kernel.childrenOf(id).find((m) => m.header.msg_type.endsWith("_reply"))?.content.status;
  assert.equal(statusOf(failing), "error");
  assert.equal(statusOf(queued), "aborted");
  assert.equal(statusOf(info), "ok");
  assert.equal(statusOf(queued2), "aborted");
  const later = kernel.request("shell", "execute_request", { code: "later" });
  await kernel.untilIdle(later);
  assert.equal(statusOf(later), "ok");
  assert.deepEqual(
    kernel.interpreter.executed.map((r) => r.code),
    ["fail", "later"],
  );
});

test("stop_on_error false lets the queue run on", async () => {
  const kernel = kernelWithFailingCell();
  kernel.request("shell", "execute_request", { code: "fail", stop_on_error: false });
  const next = kernel.request("shell", "execute_request", { code: "next" });
  await kernel.untilIdle(next);
  assert.deepEqual(
    kernel.interpreter.executed.map((r) => r.code),
    ["fail", "next"],
  );
});

test("shell requests queue behind a running cell while control is served at once", async () => {
  const kernel = new KernelHarness();
  kernel.interpreter.cells.set("spin", async () => {
    await kernel.interpreter.untilInterrupted();
    return { status: "error", ename: "KeyboardInterrupt", evalue: "interrupted", traceback: [] };
  });
  const spin = kernel.request("shell", "execute_request", { code: "spin" });
  const queuedInfo = kernel.request("shell", "kernel_info_request");
  await kernel.transport.waitFor(() => kernel.interpreter.executed.length === 1);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(kernel.childrenOf(queuedInfo).length, 0, "shell kernel_info must wait for the running cell");
  const interrupt = kernel.request("control", "interrupt_request");
  const children = await kernel.untilIdle(interrupt);
  assert.ok(children.some((m) => m.header.msg_type === "interrupt_reply" && m.channel === "control"));
  await kernel.untilIdle(spin);
  await kernel.untilIdle(queuedInfo);
  assert.equal(kernel.interpreter.interrupts, 1);
});

test("an interrupt while the interpreter is still starting ends the waiting cell, which never runs", async () => {
  let finishStarting: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (finishStarting = resolve));
  const kernel: KernelHarness = new KernelHarness({
    loadInterpreter: async () => {
      const interpreter = kernel.interpreter;
      interpreter.start = () => started;
      return interpreter;
    },
  });
  const first = kernel.request("shell", "execute_request", { code: "first", stop_on_error: false });
  await kernel.transport.waitFor(() =>
    kernel.childrenOf(first).some((m) => m.header.msg_type === "execute_input"),
  );
  await kernel.untilIdle(kernel.request("control", "interrupt_request"));
  const reply = (await kernel.untilIdle(first)).find((m) => m.header.msg_type === "execute_reply");
  assert.equal(reply?.content.ename, "KeyboardInterrupt");
  const second = kernel.request("shell", "execute_request", { code: "second" });
  finishStarting();
  await kernel.untilIdle(second);
  assert.deepEqual(
    kernel.interpreter.executed.map((r) => r.code),
    ["second"],
  );
  assert.equal(kernel.interpreter.interrupts, 0);
});

test("input(): input_request on stdin to the requester, input_reply resolves it", async () => {
  const kernel = new KernelHarness();
  let answer = "";
  kernel.interpreter.cells.set("ask", async (_request, sink) => {
    answer = await sink.inputRequest("name? ", false);
    return { status: "ok", userExpressions: {}, payload: [] };
  });
  const id = kernel.request("shell", "execute_request", { code: "ask" }, [Buffer.from("client-7")]);
  await kernel.transport.waitFor(() => kernel.sent().some((m) => m.header.msg_type === "input_request"));
  const request = kernel.sent().find((m) => m.header.msg_type === "input_request") as Sent;
  assert.equal(request.channel, "stdin");
  assert.deepEqual(request.identities.map(String), ["client-7"]);
  assert.deepEqual(request.content, { prompt: "name? ", password: false });
  const { frames } = kernel.frames("input_reply", { value: "Ada" });
  kernel.transport.deliver("stdin", frames);
  await kernel.untilIdle(id);
  assert.equal(answer, "Ada");
});

test("input() is refused with a clear error when allow_stdin is false", async () => {
  const kernel = new KernelHarness();
  kernel.interpreter.cells.set("ask", async (_request, sink) => {
    try {
      await sink.inputRequest("name? ", false);
      return { status: "ok", userExpressions: {}, payload: [] };
    } catch (error) {
      return {
        status: "error",
        ename: (error as Error).name,
        evalue: (error as Error).message,
        traceback: [],
      };
    }
  });
  const children = await kernel.untilIdle(
    kernel.request("shell", "execute_request", { code: "ask", allow_stdin: false }),
  );
  const reply = children.find((m) => m.header.msg_type === "execute_reply");
  assert.equal(reply?.content.ename, "StdinNotAllowedError");
  assert.match(String(reply?.content.evalue), /allow_stdin is false/);
});

test("output written after the cell ended keeps the cell as parent", async () => {
  const kernel = new KernelHarness();
  let late: (() => void) | undefined;
  kernel.interpreter.cells.set("timer", async (_request, sink) => {
    late = () => sink.stream("stdout", "later\n");
    return { status: "ok", userExpressions: {}, payload: [] };
  });
  const id = kernel.request("shell", "execute_request", { code: "timer" });
  await kernel.untilIdle(id);
  late?.();
  late?.();
  await kernel.transport.waitFor(() => kernel.childrenOf(id).some((m) => m.header.msg_type === "stream"));
  const streams = kernel.childrenOf(id).filter((m) => m.header.msg_type === "stream");
  assert.deepEqual(
    streams.map((m) => m.content.text),
    ["later\nlater\n"],
  );
});

test("comm_info lists no comms; comm_open for an unknown target is closed", async () => {
  const kernel = new KernelHarness();
  const info = await kernel.untilIdle(kernel.request("shell", "comm_info_request", {}));
  assert.deepEqual(info.find((m) => m.header.msg_type === "comm_info_reply")?.content, {
    status: "ok",
    comms: {},
  });
  const open = await kernel.untilIdle(
    kernel.request("shell", "comm_open", { comm_id: "c1", target_name: "nope", data: {} }),
  );
  const close = open.find((m) => m.header.msg_type === "comm_close");
  assert.equal(close?.channel, "iopub");
  assert.equal(close?.content.comm_id, "c1");
});

test("history: tail and search over executed cells", async () => {
  const kernel = new KernelHarness();
  for (const code of ["x = 1", "y = 2", "x + y"])
    await kernel.untilIdle(kernel.request("shell", "execute_request", { code }));
  const tail = await kernel.untilIdle(
    kernel.request("shell", "history_request", { hist_access_type: "tail", n: 2, output: false, raw: true }),
  );
  const session = kernel.kernel.history.session;
  assert.deepEqual(tail.find((m) => m.header.msg_type === "history_reply")?.content.history, [
    [session, 2, "y = 2"],
    [session, 3, "x + y"],
  ]);
  const search = await kernel.untilIdle(
    kernel.request("shell", "history_request", {
      hist_access_type: "search",
      pattern: "x*",
      output: true,
      raw: true,
    }),
  );
  assert.deepEqual(search.find((m) => m.header.msg_type === "history_reply")?.content.history, [
    [session, 1, ["x = 1", "x = 1"]],
    [session, 3, ["x + y", "x + y"]],
  ]);
});

test("shutdown: reply on the request's channel and on iopub, interpreter stopped, exit code 0", async () => {
  const kernel = new KernelHarness();
  await kernel.untilIdle(kernel.request("shell", "execute_request", { code: "warm" }));
  const id = kernel.request("control", "shutdown_request", { restart: true });
  const children = await kernel.untilIdle(id);
  const replies = children.filter((m) => m.header.msg_type === "shutdown_reply");
  assert.deepEqual(replies.map((m) => m.channel).sort(), ["control", "iopub"]);
  assert.equal(replies[0]?.content.restart, true);
  assert.deepEqual(kernel.exitCodes, [0]);
  assert.equal(kernel.interpreter.shutdowns, 1);
  assert.equal(kernel.transport.closed, true);
});

test("an empty key: unsigned requests are served", async () => {
  const kernel = new KernelHarness({ key: "" });
  const children = await kernel.untilIdle(kernel.request("shell", "kernel_info_request"));
  assert.ok(children.some((m) => m.header.msg_type === "kernel_info_reply"));
  assert.equal(
    kernel.transport.sent[0]?.frames[
      kernel.transport.sent[0].frames.findIndex((f) => f.toString() === DELIMITER) + 1
    ]?.length,
    0,
  );
});

test("consecutive stream writes merge into one message, flushed before other output", async () => {
  const kernel = new KernelHarness();
  kernel.interpreter.cells.set("chatty", async (_request, sink) => {
    for (let i = 0; i < 1000; i++) sink.stream("stdout", `${i}\n`);
    sink.stream("stderr", "warn\n");
    sink.stream("stdout", "a");
    sink.displayData({ "text/plain": "shown" }, {});
    sink.stream("stdout", "tail\n");
    return { status: "ok", userExpressions: {}, payload: [] };
  });
  const children = await kernel.untilIdle(kernel.request("shell", "execute_request", { code: "chatty" }));
  const outputs = children.filter(
    (m) => m.header.msg_type === "stream" || m.header.msg_type === "display_data",
  );
  const described = outputs.map((m) =>
    m.header.msg_type === "stream" ? `${String(m.content.name)}:${String(m.content.text).length}` : "display",
  );
  const numbers = Array.from({ length: 1000 }, (_, i) => `${i}\n`).join("");
  assert.deepEqual(described, [`stdout:${numbers.length}`, "stderr:5", "stdout:1", "display", "stdout:5"]);
  const tail = children.findIndex((m) => m.header.msg_type === "stream" && m.content.text === "tail\n");
  assert.ok(tail >= 0 && tail < children.findIndex((m) => m.header.msg_type === "execute_reply"));
});

test("kernel_info never waits for the interpreter; requests that need it get an error reply when it fails", async () => {
  let fail: (error: Error) => void = () => undefined;
  const loading = new Promise<never>((_resolve, reject) => (fail = reject));
  const kernel = new KernelHarness({ loadInterpreter: () => loading });
  const info = await kernel.untilIdle(kernel.request("shell", "kernel_info_request"));
  assert.ok(info.some((m) => m.header.msg_type === "kernel_info_reply"));
  const execute = kernel.request("shell", "execute_request", { code: "1" });
  fail(new Error("worker did not start"));
  const children = await kernel.untilIdle(execute);
  const reply = children.find((m) => m.header.msg_type === "execute_reply");
  assert.equal(reply?.content.status, "error");
  assert.equal(reply?.content.evalue, "worker did not start");
  assert.ok(children.some((m) => m.header.msg_type === "error"));
});
