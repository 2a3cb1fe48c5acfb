// How the kernel meets the network: an interface the dispatcher talks to, and an in-memory implementation
// that lets the whole protocol be tested without sockets. The ZeroMQ one is in zmq-transport.ts.

/** The channels that carry requests to the kernel (ROUTER sockets). */
export type IncomingChannel = "shell" | "control" | "stdin";

/** Every channel the kernel sends on. */
export type OutgoingChannel = IncomingChannel | "iopub";

/** Receives raw multipart messages from the request channels. */
export type FrameHandler = (channel: IncomingChannel, frames: Buffer[]) => void;

/** The kernel's sockets, minus the heartbeat, which each transport echoes on its own. */
export interface Transport {
  /** Starts delivering every multipart message received on shell, control and stdin to `handler`. */
  listen(handler: FrameHandler): void;
  /** Sends one multipart message; sends on one channel go out in call order. */
  send(channel: OutgoingChannel, frames: Buffer[]): Promise<void>;
  /** Closes every socket; pending sends are flushed or dropped, receiving stops. */
  close(): Promise<void>;
}

/** One message the kernel sent through an {@link InMemoryTransport}. */
export interface SentFrames {
  channel: OutgoingChannel;
  frames: Buffer[];
}

/** A transport for tests: `deliver` plays the client, `sent` records what the kernel answered. */
export class InMemoryTransport implements Transport {
  readonly sent: SentFrames[] = [];
  private handler: FrameHandler | undefined;
  private waiters: (() => void)[] = [];
  closed = false;

  listen(handler: FrameHandler): void {
    this.handler = handler;
  }

  /** Hands frames to the kernel as if a client had sent them on `channel`. */
  deliver(channel: IncomingChannel, frames: Buffer[]): void {
    if (this.handler === undefined) throw new Error("InMemoryTransport.deliver: the kernel is not listening");
    this.handler(channel, frames);
  }

  send(channel: OutgoingChannel, frames: Buffer[]): Promise<void> {
    this.sent.push({ channel, frames });
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
    return Promise.resolve();
  }

  /** Resolves once `predicate` holds for the sent messages, rejecting after `timeoutMs`. */
  async waitFor(predicate: (sent: readonly SentFrames[]) => boolean, timeoutMs = 2000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.sent)) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`InMemoryTransport.waitFor: condition not met in ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(remaining, 10));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}
