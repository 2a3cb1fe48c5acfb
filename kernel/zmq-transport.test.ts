// Unit tests of the ZeroMQ transport over ipc endpoints in a temporary directory (no network).

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Dealer, Request, Subscriber } from "zeromq";
import { endpoint, parseConnectionInfo } from "./connection.js";
import { ZmqTransport } from "./zmq-transport.js";
import type { IncomingChannel } from "./transport.js";

test("binds ipc endpoints, routes frames with identities both ways, publishes, echoes heartbeats", async (t) => {
  const directory = mkdtempSync(join(tmpdir(), "jaclab-zmq-"));
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  const info = parseConnectionInfo(
    {
      transport: "ipc",
      ip: join(directory, "k"),
      shell_port: 1,
      iopub_port: 2,
      stdin_port: 3,
      control_port: 4,
      hb_port: 5,
      key: "",
    },
    "test",
  );
  const transport = await ZmqTransport.bind(info);
  const received: [IncomingChannel, string[]][] = [];
  let wake: () => void = () => undefined;
  transport.listen((channel, frames) => {
    received.push([channel, frames.map(String)]);
    wake();
  });

  const shell = new Dealer({ routingId: "client-a", linger: 0 });
  const iopub = new Subscriber({ linger: 0 });
  const hb = new Request({ linger: 0 });
  try {
    shell.connect(endpoint(info, info.shell_port));
    iopub.connect(endpoint(info, info.iopub_port));
    iopub.subscribe();
    hb.connect(endpoint(info, info.hb_port));

    const arrived = new Promise<void>((resolve) => (wake = resolve));
    await shell.send(["<IDS|MSG>", "sig", "{}"]);
    await arrived;
    assert.deepEqual(received, [["shell", ["client-a", "<IDS|MSG>", "sig", "{}"]]]);

    await transport.send("shell", [Buffer.from("client-a"), Buffer.from("reply")]);
    assert.deepEqual((await shell.receive()).map(String), ["reply"]);

    await hb.send("ping");
    assert.deepEqual((await hb.receive()).map(String), ["ping"]);

    // PUB drops messages until the subscription has propagated, so publish until one arrives.
    const published = iopub.receive();
    const timer = setInterval(
      () => void transport.send("iopub", [Buffer.from("topic"), Buffer.from("x")]),
      10,
    );
    try {
      assert.deepEqual((await published).map(String), ["topic", "x"]);
    } finally {
      clearInterval(timer);
    }
  } finally {
    for (const socket of [shell, iopub, hb]) socket.close();
    await transport.close();
  }
});

test("tcp endpoints are ip:port and ipc endpoints are ip-port, as jupyter_client names them", () => {
  const fields = { shell_port: 1, iopub_port: 2, stdin_port: 3, control_port: 4, hb_port: 5, key: "k" };
  assert.equal(endpoint(parseConnectionInfo({ ...fields, ip: "127.0.0.1" }, "t"), 9), "tcp://127.0.0.1:9");
  assert.equal(
    endpoint(parseConnectionInfo({ ...fields, transport: "ipc", ip: "/tmp/k" }, "t"), 9),
    "ipc:///tmp/k-9",
  );
  assert.throws(
    () => parseConnectionInfo({ ...fields, shell_port: "x" }, "conn.json"),
    /shell_port must be an integer/,
  );
  assert.throws(() => parseConnectionInfo({ ...fields, transport: "udp" }, "conn.json"), /transport must be/);
});
