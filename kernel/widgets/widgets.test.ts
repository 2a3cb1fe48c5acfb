// The widgets protocol end to end without sockets: a kernel on the in-memory transport with the real
// interpreter, a test client playing the frontend (comm_open, update, echo_update, request_state(s), custom,
// close, buffers), and the attribution of callbacks' output to the comm message that caused them.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { v4 as uuid } from "uuid";
import { createInterpreter } from "../executor/index.js";
import type { Interpreter } from "../interpreter.js";
import { KernelHarness, type Sent } from "../testing.js";
import { encodeFrames, Signer, type WireMessage } from "../wire.js";

let interpreter: Interpreter;
let kernel: KernelHarness;

before(async () => {
  interpreter = createInterpreter();
  await interpreter.start();
  kernel = new KernelHarness({ loadInterpreter: () => Promise.resolve(interpreter) });
});

after(async () => {
  await interpreter.shutdown();
});

/** Sends a signed shell message with binary buffers; returns its msg_id. */
function send(
  msgType: string,
  content: Record<string, unknown>,
  buffers: Buffer[] = [],
  metadata = {},
): string {
  const msgId = uuid();
  const header = {
    msg_id: msgId,
    msg_type: msgType,
    session: kernel.session,
    username: "test",
    date: new Date().toISOString(),
    version: "5.3",
  };
  const message: WireMessage = {
    identities: [Buffer.from("client")],
    header,
    parentHeader: {},
    metadata,
    content,
    buffers,
  };
  kernel.transport.deliver("shell", encodeFrames(message, new Signer(kernel.key)));
  return msgId;
}

async function execute(code: string): Promise<Sent[]> {
  const id = send("execute_request", {
    code,
    silent: false,
    store_history: true,
    allow_stdin: false,
    stop_on_error: false,
  });
  const children = await kernel.untilIdle(id, 30000);
  const reply = children.find((m) => m.header.msg_type === "execute_reply");
  assert.equal(reply?.content.status, "ok", JSON.stringify(reply?.content));
  return children;
}

async function comm(
  msgType: string,
  content: Record<string, unknown>,
  buffers: Buffer[] = [],
  metadata = {},
): Promise<Sent[]> {
  return kernel.untilIdle(send(msgType, content, buffers, metadata), 30000);
}

const commMessages = (messages: Sent[], type = "comm_msg"): Sent[] =>
  messages.filter((m) => m.header.msg_type === type);

/** The model id of the last widget of `modelName` opened in `messages`. */
function modelId(messages: Sent[], modelName: string): string {
  const open = commMessages(messages, "comm_open").filter(
    (m) => (m.content.data as { state: Record<string, unknown> }).state._model_name === modelName,
  );
  assert.ok(open.length > 0, `no ${modelName} opened`);
  return String(open[open.length - 1]?.content.comm_id);
}

test("a slider opens its layout, style and model with protocol 2.1 metadata and displays as a widget view", async () => {
  const out = await execute(
    'const s = new widgets.FloatSlider({ value: 0.5, min: 0, max: 1, step: 0.01, description: "x" });\ns',
  );
  const opens = commMessages(out, "comm_open");
  assert.deepEqual(
    opens.map((m) => (m.content.data as { state: Record<string, unknown> }).state._model_name),
    ["LayoutModel", "SliderStyleModel", "FloatSliderModel"],
  );
  const slider = opens[2] as Sent;
  assert.equal(slider.content.target_name, "jupyter.widget");
  assert.deepEqual(slider.metadata, { version: "2.1.0" });
  const state = (slider.content.data as { state: Record<string, unknown> }).state;
  assert.equal(state._model_module, "@jupyter-widgets/controls");
  assert.equal(state._model_module_version, "2.0.0");
  assert.equal(state.value, 0.5);
  assert.equal(state.continuous_update, true);
  assert.equal(state.layout, `IPY_MODEL_${String(opens[0]?.content.comm_id)}`);
  const result = out.find((m) => m.header.msg_type === "execute_result");
  const view = (result?.content.data as Record<string, { model_id: string }>)[
    "application/vnd.jupyter.widget-view+json"
  ];
  assert.equal(view?.model_id, slider.content.comm_id);
  assert.match(
    String((result?.content.data as Record<string, string>)["text/plain"]),
    /FloatSlider\(.*value=0\.5/,
  );
});

test("a frontend update is echoed, reaches observers with output attributed to it, and is read back by a cell", async () => {
  const cell = await execute(
    'const seen: number[] = [];\nconst t = new widgets.FloatSlider({ value: 1, max: 10 });\nt.observe((c) => { seen.push(c.new as number); console.log("moved to", c.new); }, "value");',
  );
  const id = modelId(cell, "FloatSliderModel");
  const children = await comm("comm_msg", {
    comm_id: id,
    data: { method: "update", state: { value: 2.5 }, buffer_paths: [] },
  });
  const echo = commMessages(children)[0];
  assert.deepEqual(echo?.content.data, { method: "echo_update", state: { value: 2.5 }, buffer_paths: [] });
  const printed = children.find((m) => m.header.msg_type === "stream");
  assert.equal(printed?.content.text, "moved to 2.5\n");
  assert.equal(printed?.parentHeader.msg_type, "comm_msg");
  // Output comes before the idle of the comm message (frontends route it while the request is open).
  const types = children.map((m) => m.header.msg_type);
  assert.ok(types.indexOf("stream") < types.lastIndexOf("status"));
  const readBack = await execute("[t.value, seen]");
  const result = readBack.find((m) => m.header.msg_type === "execute_result");
  assert.equal((result?.content.data as Record<string, string>)["text/plain"], "[ 2.5, [ 2.5 ] ]");
});

test("bad updates are refused key by key with the kernel's value sent back; the model and kernel live on", async () => {
  const cell = await execute("const u = new widgets.IntSlider({ value: 3, min: 0, max: 5 });");
  const id = modelId(cell, "IntSliderModel");
  const wrongType = await comm("comm_msg", {
    comm_id: id,
    data: { method: "update", state: { value: "seven", description: "ok" } },
  });
  const messages = commMessages(wrongType).map((m) => m.content.data as Record<string, unknown>);
  assert.deepEqual(messages[0], { method: "echo_update", state: { description: "ok" }, buffer_paths: [] });
  assert.deepEqual(messages[1], { method: "update", state: { value: 3 }, buffer_paths: [] });
  // Out of range: accepted, clamped, and the clamped value is sent back.
  const clamped = await comm("comm_msg", { comm_id: id, data: { method: "update", state: { value: 99 } } });
  assert.deepEqual((commMessages(clamped)[1]?.content.data as Record<string, unknown>).state, { value: 5 });
  // Malformed messages: unknown comm, data that is not an object, an unknown method, no comm_id at all.
  for (const content of [
    { comm_id: "no-such-comm", data: { method: "update", state: { value: 1 } } },
    { comm_id: id, data: "not an object" },
    { comm_id: id, data: { method: "explode" } },
    { comm_id: id, data: { method: "update", state: [1, 2] } },
    { comm_id: id, data: { method: "update", state: { value: 1 }, buffer_paths: [["value"]] } },
    { data: {} },
  ]) {
    const children = await comm("comm_msg", content);
    assert.equal(commMessages(children).length, 0, JSON.stringify(content));
  }
  const after = await execute("u.value + u.max");
  assert.equal(
    (after.find((m) => m.header.msg_type === "execute_result")?.content.data as Record<string, string>)[
      "text/plain"
    ],
    "10",
  );
});

test("request_state sends the whole state; the control comm's request_states lists every model", async () => {
  const cell = await execute(
    'const d = new widgets.Dropdown({ options: [["rev", "jacrev"], ["fwd", "jacfwd"]], value: "jacfwd" });',
  );
  const id = modelId(cell, "DropdownModel");
  const state = commMessages(await comm("comm_msg", { comm_id: id, data: { method: "request_state" } }))[0]
    ?.content.data as {
    method: string;
    state: Record<string, unknown>;
  };
  assert.equal(state.method, "update");
  assert.deepEqual(state.state._options_labels, ["rev", "fwd"]);
  assert.equal(state.state.index, 1);
  assert.equal(state.state._model_name, "DropdownModel");
  const control = "control-" + uuid();
  const opened = await comm(
    "comm_open",
    { comm_id: control, target_name: "jupyter.widget.control", data: {} },
    [],
    { version: "1.0.0" },
  );
  assert.equal(commMessages(opened, "comm_close").length, 0);
  const states = commMessages(
    await comm("comm_msg", { comm_id: control, data: { method: "request_states" } }),
  )[0]?.content.data as {
    method: string;
    states: Record<string, { model_name: string; state: Record<string, unknown> }>;
  };
  assert.equal(states.method, "update_states");
  assert.equal(states.states[id]?.model_name, "DropdownModel");
  assert.equal(states.states[id]?.state.index, 1);
  // The frontend picks "rev": index, value and label follow in the kernel.
  await comm("comm_msg", { comm_id: id, data: { method: "update", state: { index: 0 } } });
  const read = await execute("[d.value, d.label]");
  assert.equal(
    (read.find((m) => m.header.msg_type === "execute_result")?.content.data as Record<string, string>)[
      "text/plain"
    ],
    "[ 'jacrev', 'rev' ]",
  );
});

test("a click runs the handler, and what Output.capture catches becomes the widget's outputs before idle", async () => {
  const cell = await execute(
    [
      "const out = new widgets.Output();",
      'const b = new widgets.Button({ description: "go" });',
      "let clicks = 0;",
      "b.onClick(() =>",
      "  out.capture(",
      '    () => { console.log(`click ${++clicks}`); console.log("and"); display(42); },',
      "    { clear: true, wait: true },",
      "  ),",
      ");",
    ].join("\n"),
  );
  const id = modelId(cell, "ButtonModel");
  const outId = modelId(cell, "OutputModel");
  for (const n of [1, 2]) {
    const clickId = send("comm_msg", {
      comm_id: id,
      data: { method: "custom", content: { event: "click" } },
    });
    const children = await kernel.untilIdle(clickId, 30000);
    // No iopub output for a frontend to divert by msg_id: one state update carries it all.
    assert.deepEqual(
      children.filter((m) => ["stream", "display_data", "clear_output"].includes(m.header.msg_type)),
      [],
    );
    const updates = commMessages(children).filter((m) => m.content.comm_id === outId);
    assert.equal(updates.length, 1);
    const state = (updates[0]?.content.data as { state: Record<string, unknown> }).state;
    assert.equal(state.msg_id, undefined);
    // The second click's capture clears the first click's output (wait: at its first output).
    assert.deepEqual(state.outputs, [
      { output_type: "stream", name: "stdout", text: `click ${n}\nand\n` },
      { output_type: "display_data", data: { "text/plain": "42" }, metadata: {} },
    ]);
    assert.equal((updates[0]?.parentHeader as { msg_id?: string }).msg_id, clickId);
  }
});

test("binary buffers travel with buffer_paths both ways", async () => {
  await execute(
    'let received: number[] = [];\ncomms.registerTarget("test.echo", (c, open) => {\n  received = Array.from(new Float64Array(open.buffers[0]!.slice().buffer));\n  c.onMsg((m) => c.send({ got: m.data }, [new Float64Array([received.length, 2.5])]));\n});',
  );
  const commId = uuid();
  const open = await comm("comm_open", { comm_id: commId, target_name: "test.echo", data: {} }, [
    Buffer.from(new Float64Array([1, 2, 3]).buffer),
  ]);
  assert.equal(commMessages(open, "comm_close").length, 0);
  const echoed = commMessages(await comm("comm_msg", { comm_id: commId, data: { n: 1 } }))[0] as Sent;
  assert.deepEqual(echoed.content.data, { got: { n: 1 } });
  assert.equal(echoed.buffers.length, 1);
  const bytes = echoed.buffers[0] as Buffer;
  assert.deepEqual(
    Array.from(new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength))),
    [3, 2.5],
  );
  // A widget attribute holding a typed array is sent as a buffer at its path.
  const widgetOpen = commMessages(
    await comm(
      "comm_open",
      { comm_id: uuid(), target_name: "jupyter.widget", data: { state: { _model_name: "NoSuchModel" } } },
      [],
      { version: "2.1.0" },
    ),
    "comm_close",
  );
  assert.equal(widgetOpen.length, 1);
  const info = (await comm("comm_info_request", { target_name: "test.echo" })).find(
    (m) => m.header.msg_type === "comm_info_reply",
  );
  assert.deepEqual(info?.content.comms, { [commId]: { target_name: "test.echo" } });
  await comm("comm_close", { comm_id: commId, data: {} });
  const afterClose = (await comm("comm_info_request", { target_name: "test.echo" })).find(
    (m) => m.header.msg_type === "comm_info_reply",
  );
  assert.deepEqual(afterClose?.content.comms, {});
});

test("a frontend can create a widget model by comm_open on jupyter.widget; buffers fill its state", async () => {
  const id = uuid();
  const children = await comm(
    "comm_open",
    {
      comm_id: id,
      target_name: "jupyter.widget",
      data: { state: { _model_name: "TextModel", value: "from the frontend" }, buffer_paths: [] },
    },
    [],
    { version: "2.1.0" },
  );
  assert.equal(commMessages(children, "comm_close").length, 0);
  const echo = commMessages(children)[0]?.content.data as Record<string, unknown>;
  assert.equal(echo.method, "echo_update");
  const state = commMessages(await comm("comm_msg", { comm_id: id, data: { method: "request_state" } }))[0]
    ?.content.data as {
    state: Record<string, unknown>;
  };
  assert.equal(state.state.value, "from the frontend");
  await comm("comm_close", { comm_id: id, data: {} });
  const gone = await comm("comm_msg", { comm_id: id, data: { method: "request_state" } });
  assert.equal(commMessages(gone).length, 0);
});

test("interact renders into its Output and drops the result of a run that a newer change made stale", async () => {
  // The run for x = 1 waits until the run for x = 3 has started, so its result is always stale.
  const cell = await execute(
    "let runs = 0;\nlet release: () => void = () => undefined;\nconst gate = new Promise<void>((r) => (release = r));\n" +
      "const ui = interact(async ({ x }) => { runs++; if (x === 1) await gate; if (x === 3) release(); return `x is ${x}`; }, { x: [0, 4, 1] });",
  );
  const slider = modelId(cell, "IntSliderModel");
  const outId = modelId(cell, "OutputModel");
  await comm("comm_msg", { comm_id: slider, data: { method: "update", state: { value: 1 } } });
  await comm("comm_msg", { comm_id: slider, data: { method: "update", state: { value: 3 } } });
  const shown = (): (string | undefined)[] =>
    kernel
      .sent()
      .filter((m) => m.header.msg_type === "comm_msg" && m.content.comm_id === outId)
      .map(
        (m) => (m.content.data as { state: { outputs?: { data: Record<string, string> }[] } }).state.outputs,
      )
      .filter((outputs) => outputs !== undefined && outputs.length > 0)
      .map((outputs) => outputs?.[0]?.data["text/plain"]);
  await kernel.transport.waitFor(() => shown().includes("'x is 3'"), 30000);
  const read = await execute("[runs, ui.result]");
  assert.deepEqual(shown(), ["'x is 2'", "'x is 3'"]);
  assert.equal(
    (read.find((m) => m.header.msg_type === "execute_result")?.content.data as Record<string, string>)[
      "text/plain"
    ],
    "[ 3, 'x is 3' ]",
  );
});

test("jslink opens a LinkModel between two attributes; a misspelt attribute is a clear error", async () => {
  const cell = await execute(
    'const p = new widgets.Play({ max: 10 });\nconst q = new widgets.IntSlider({ max: 10 });\nconst link = jslink([p, "value"], [q, "value"]);',
  );
  const open = commMessages(cell, "comm_open").find(
    (m) => (m.content.data as { state: Record<string, unknown> }).state._model_name === "LinkModel",
  );
  const state = (open?.content.data as { state: Record<string, unknown> }).state;
  assert.deepEqual(state.source, [`IPY_MODEL_${modelId(cell, "PlayModel")}`, "value"]);
  assert.deepEqual(state.target, [`IPY_MODEL_${modelId(cell, "IntSliderModel")}`, "value"]);
  const id = send("execute_request", {
    code: 'jslink([p, "valeu"], [q, "value"]);',
    silent: false,
    stop_on_error: false,
  });
  const reply = (await kernel.untilIdle(id, 30000)).find((m) => m.header.msg_type === "execute_reply");
  assert.equal(reply?.content.status, "error");
  assert.match(String(reply?.content.evalue), /Link\.source.*valeu/);
});
