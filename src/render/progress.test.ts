// Tests of progress bars: in place under one display id in a notebook, text on a stream outside.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createProgress, progress, durationText } from "./progress.js";
import { displayHostSymbol, type DisplayHost, type MimeBundle } from "./mime.js";

interface Call {
  kind: "display" | "update";
  bundle: MimeBundle;
  id: string | undefined;
}

function fakeHost(): DisplayHost & { calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    display: (bundle, id) => calls.push({ kind: "display", bundle, id }),
    update: (bundle, id) => calls.push({ kind: "update", bundle, id }),
  };
}

function fakeClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 0;
  return { now: () => t, advance: (ms) => (t += ms) };
}

test("in a notebook the bar is displayed once and then updated in place under the same id", () => {
  const host = fakeHost();
  const clock = fakeClock();
  const bar = createProgress(10, "chunks", { host, now: clock.now });
  for (let i = 0; i < 10; i++) {
    clock.advance(60);
    bar.tick();
  }
  bar.done();
  assert.equal(host.calls[0].kind, "display");
  assert.ok(host.calls.slice(1).every((c) => c.kind === "update"));
  const ids = new Set(host.calls.map((c) => c.id));
  assert.equal(ids.size, 1);
  assert.ok([...ids][0]?.length);
  const last = host.calls[host.calls.length - 1].bundle;
  assert.match(last["text/plain"] as string, /chunks \[#+\] 10\/10 100% done in 600 ms/);
  assert.match(last["text/html"] as string, /width: 100\.0%/);
  const middle = host.calls[5].bundle;
  assert.match(middle["text/html"] as string, /width: 50\.0%/);
  assert.match(middle["text/plain"] as string, /5\/10 50%/);
});

test("notebook updates are throttled, but done always sends the final state", () => {
  const host = fakeHost();
  const clock = fakeClock();
  const bar = createProgress(1000, "fast", { host, now: clock.now });
  for (let i = 0; i < 1000; i++) {
    clock.advance(0.1); // 100 ms in all: at most two throttled updates
    bar.tick();
  }
  assert.ok(host.calls.length <= 4, `${host.calls.length} calls`);
  bar.done();
  bar.done();
  const final = host.calls[host.calls.length - 1];
  assert.equal(final.kind, "update");
  assert.match(final.bundle["text/plain"] as string, /1000\/1000 100% done/);
  assert.equal(host.calls.filter((c) => /done/.test(c.bundle["text/plain"] as string)).length, 1);
});

test("the kernel's display host is found through the global symbol", () => {
  const host = fakeHost();
  const global = globalThis as { [displayHostSymbol]?: DisplayHost };
  global[displayHostSymbol] = host;
  try {
    const bar = createProgress(2, "global");
    bar.tick(2);
    bar.done();
  } finally {
    delete global[displayHostSymbol];
  }
  assert.ok(host.calls.length >= 2);
});

test("outside a notebook, a terminal gets one line redrawn with carriage returns", () => {
  const written: string[] = [];
  const clock = fakeClock();
  const stream = { isTTY: true, write: (s: string) => written.push(s) };
  const bar = createProgress(4, "work", { host: null, stream, now: clock.now });
  for (let i = 0; i < 4; i++) {
    clock.advance(200);
    bar.tick();
  }
  bar.done();
  assert.ok(written.every((s) => s.startsWith("\r")));
  assert.ok(written.slice(0, -1).every((s) => !s.includes("\n")));
  const last = written[written.length - 1];
  assert.match(last, /work \[#{24}\] 4\/4 100% done in 800 ms/);
  assert.ok(last.endsWith("\u001b[K\n"), "the last redraw clears the line's tail and ends it");
});

test("outside a notebook and a terminal, a few lines: start, each quarter, end", () => {
  const written: string[] = [];
  const clock = fakeClock();
  const bar = createProgress(100, "log", {
    host: null,
    stream: { write: (s) => written.push(s) },
    now: clock.now,
  });
  for (let i = 0; i < 100; i++) {
    clock.advance(10);
    bar.tick();
  }
  bar.done();
  assert.equal(written.length, 5);
  assert.match(written[0], /0\/100 0%/);
  assert.match(written[2], /50\/100 50%.*about 500 ms left/);
  assert.match(written[4], /100\/100 100% done in 1\.0 s\n$/);
});

test("progress() wraps a loop, counts items and finishes on break", () => {
  const host = fakeHost();
  const seen: string[] = [];
  for (const item of progress(["a", "b", "c", "d"], { label: "letters", host, minIntervalMs: 0 })) {
    seen.push(item);
    if (item === "c") break;
  }
  assert.deepEqual(seen, ["a", "b", "c"]);
  const last = host.calls[host.calls.length - 1].bundle["text/plain"] as string;
  assert.match(last, /letters .* 2\/4 50% stopped after/);
  const numbers = [...progress(3, { host: fakeHost() })];
  assert.deepEqual(numbers, [0, 1, 2]);
});

test("durations read naturally", () => {
  assert.equal(durationText(340.4), "340 ms");
  assert.equal(durationText(2345), "2.3 s");
  assert.equal(durationText(245_000), "4 min 05 s");
});
