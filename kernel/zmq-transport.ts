// The ZeroMQ transport: shell, control and stdin ROUTER sockets, an iopub PUB socket and a heartbeat REP
// socket that echoes on its own, all bound exactly where the connection file says.

import { Publisher, Reply, Router, type Socket } from "zeromq";
import { endpoint, type ConnectionInfo } from "./connection.js";
import { describeError, log } from "./log.js";
import { trace, tracing } from "./trace.js";
import type { FrameHandler, IncomingChannel, OutgoingChannel, Transport } from "./transport.js";

/** How long closing sockets may spend flushing replies still queued (the shutdown_reply above all). */
const lingerMs = 500;

/** How many iopub messages may wait for a slow subscriber before ZeroMQ drops them. */
const iopubHighWaterMark = 100_000;

/** ZeroMQ sockets bound from a connection file. Create with {@link ZmqTransport.bind}. */
export class ZmqTransport implements Transport {
  private readonly sendQueues = new Map<Socket, Promise<void>>();
  private closing = false;

  private constructor(
    private readonly routers: Record<IncomingChannel, Router>,
    private readonly iopub: Publisher,
    private readonly heartbeat: Reply,
  ) {
    void this.echoHeartbeat();
  }

  /** Binds all five sockets; rejects (naming the endpoint) when one cannot be bound. */
  static async bind(info: ConnectionInfo): Promise<ZmqTransport> {
    // Handover, as ipykernel sets it: a client that reconnects with the same identity (a restarted
    // jupyter_client with the same session) takes the route over instead of being ignored.
    const router = (): Router => new Router({ handover: true });
    const routers = { shell: router(), control: router(), stdin: router() };
    // Bursts of output must not be dropped at ZeroMQ's default high-water mark of 1,000 messages.
    const iopub = new Publisher({ sendHighWaterMark: iopubHighWaterMark });
    const heartbeat = new Reply();
    const bindings: [Socket, number][] = [
      [routers.shell, info.shell_port],
      [routers.control, info.control_port],
      [routers.stdin, info.stdin_port],
      [iopub, info.iopub_port],
      [heartbeat, info.hb_port],
    ];
    await Promise.all(
      bindings.map(async ([socket, port]) => {
        socket.linger = lingerMs;
        const address = endpoint(info, port);
        try {
          await socket.bind(address);
        } catch (error) {
          throw new Error(`cannot bind ${address}: ${describeError(error)}`, { cause: error });
        }
      }),
    );
    return new ZmqTransport(routers, iopub, heartbeat);
  }

  listen(handler: FrameHandler): void {
    for (const channel of ["shell", "control", "stdin"] as const) void this.receive(channel, handler);
  }

  private async receive(channel: IncomingChannel, handler: FrameHandler): Promise<void> {
    try {
      for await (const frames of this.routers[channel]) {
        try {
          handler(channel, frames);
        } catch (error) {
          log.error(`${channel}: handling a message failed: ${describeError(error)}`);
        }
      }
    } catch (error) {
      if (!this.closing) log.error(`${channel}: receiving stopped: ${describeError(error)}`);
    }
  }

  /** Echoes every heartbeat; runs on the main thread, which never runs user code. */
  private async echoHeartbeat(): Promise<void> {
    try {
      for await (const frames of this.heartbeat) await this.heartbeat.send(frames);
    } catch (error) {
      if (!this.closing) log.error(`heartbeat stopped: ${describeError(error)}`);
    }
  }

  send(channel: OutgoingChannel, frames: Buffer[]): Promise<void> {
    const socket = channel === "iopub" ? this.iopub : this.routers[channel];
    // A zeromq socket allows one send in flight, so sends on a socket are chained.
    const previous = this.sendQueues.get(socket) ?? Promise.resolve();
    const next = previous.then(async () => {
      if (this.closing) return;
      try {
        await socket.send(frames);
        if (tracing) trace(`sent ${channel} ${frames.length} frames`);
      } catch (error) {
        log.warn(`${channel}: send failed: ${describeError(error)}`);
      }
    });
    this.sendQueues.set(socket, next);
    return next;
  }

  async close(): Promise<void> {
    await Promise.all(this.sendQueues.values());
    this.closing = true;
    for (const socket of [...Object.values(this.routers), this.iopub, this.heartbeat]) socket.close();
  }
}
