// Unit tests of replay protection: it holds after any amount of traffic, memory stays bounded, and a
// message is dated inside the window or refused.

import { test } from "node:test";
import assert from "node:assert/strict";
import { SignatureError } from "./errors.js";
import { headerDateMs, ReplayGuard } from "./replay-guard.js";

const iso = (ms: number): string => new Date(ms).toISOString();

test("a captured message is refused again after 100,000 other messages, and memory stays bounded", () => {
  let now = Date.parse("2026-06-01T12:00:00Z");
  const guard = new ReplayGuard({ capacity: 1000, now: () => now });
  guard.admit("captured", iso(now));
  for (let i = 0; i < 100_000; i++) {
    now += 1;
    guard.admit(`other-${i}`, iso(now));
    assert.ok(guard.size <= 1000);
  }
  assert.throws(() => guard.admit("captured", iso(Date.parse("2026-06-01T12:00:00Z"))), SignatureError);
  // Re-dating it is no way in: the date is inside the signed header, so a new date is a new digest.
});

test("a replay inside the window is refused by its digest", () => {
  let now = 1_000_000_000_000;
  const guard = new ReplayGuard({ windowMs: 60_000, now: () => now });
  guard.admit("a", iso(now));
  now += 30_000;
  assert.throws(() => guard.admit("a", iso(now - 30_000)), /seen before/);
});

test("once the window has passed the digest is forgotten and the message is refused by its date", () => {
  let now = 1_000_000_000_000;
  const guard = new ReplayGuard({ windowMs: 60_000, now: () => now });
  const sent = now;
  guard.admit("a", iso(sent));
  now += 61_000;
  guard.admit("b", iso(now));
  assert.equal(guard.size, 1, "the old digest was kept");
  assert.throws(() => guard.admit("a", iso(sent)), /min before this machine's clock/);
  // Even if the clock steps back, a forgotten message stays refused.
  now -= 30_000;
  assert.throws(() => guard.admit("a", iso(sent)), SignatureError);
});

test("messages from the far future, and undated ones, are refused", () => {
  const now = 1_000_000_000_000;
  const guard = new ReplayGuard({ windowMs: 60_000, now: () => now });
  assert.throws(() => guard.admit("f", iso(now + 120_000)), /after this machine's clock/);
  assert.throws(() => guard.admit("u", ""), /no usable header\.date/);
  assert.throws(() => guard.admit("g", "yesterday"), /no usable header\.date/);
  guard.admit("ok", iso(now + 30_000)); // a client clock a little ahead is fine
});

test("header dates parse with microseconds and zone offsets, naive ones as UTC", () => {
  assert.equal(headerDateMs("2026-01-01T00:00:00.123456Z"), Date.UTC(2026, 0, 1, 0, 0, 0, 123));
  assert.equal(headerDateMs("2026-01-01T01:00:00.5+01:00"), Date.UTC(2026, 0, 1, 0, 0, 0, 500));
  assert.equal(headerDateMs("2026-01-01T00:00:00"), Date.UTC(2026, 0, 1));
  assert.ok(Number.isNaN(headerDateMs(undefined)));
});
