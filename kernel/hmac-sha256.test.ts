// The plain-TypeScript HMAC-SHA256 against node:crypto (random keys, messages and splits) and RFC 4231.

import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import { seededRandom } from "../src/core/random.js";
import { HmacSha256, sha256 } from "./hmac-sha256.js";

/** A seeded generator, so a failure reproduces. */
const random = seededRandom;

function randomBytes(next: () => number, length: number): Buffer {
  const bytes = Buffer.alloc(length + 3);
  for (let i = 0; i < length; i += 4) bytes.writeUInt32LE(Math.floor(next() * 2 ** 32), i);
  return bytes.subarray(0, length);
}

/** `message` cut at random points into `count` parts (some may be empty). */
function split(next: () => number, message: Buffer, count: number): Buffer[] {
  const cuts = Array.from({ length: count - 1 }, () => Math.floor(next() * (message.length + 1)));
  cuts.sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let start = 0;
  for (const cut of [...cuts, message.length]) {
    parts.push(message.subarray(start, cut));
    start = cut;
  }
  return parts;
}

function reference(key: Uint8Array, parts: readonly Uint8Array[]): string {
  const hmac = createHmac("sha256", key);
  for (const part of parts) hmac.update(part);
  return hmac.digest("hex");
}

test("every message length 0-300 and random ones up to 5,000 bytes, in 1-6 parts, match node:crypto", () => {
  const next = random(20261201);
  const lengths = [...Array.from({ length: 301 }, (_, i) => i), ...Array.from({ length: 2700 }, () => 0)];
  for (let i = 301; i < lengths.length; i++) lengths[i] = Math.floor(next() * 5001);
  for (const [i, length] of lengths.entries()) {
    // Keys of every length 0-200 in turn, 64 and 65 (the block edge) among them, then random ones.
    const key = randomBytes(next, i <= 200 ? i : Math.floor(next() * 201));
    const parts = split(next, randomBytes(next, length), 1 + Math.floor(next() * 6));
    const hmac = new HmacSha256(key);
    const expected = reference(key, parts);
    assert.equal(
      hmac.digestHex(parts),
      expected,
      `key ${key.length} bytes, parts ${parts.map((p) => p.length)}`,
    );
    // The same instance again: nothing of the previous message may linger.
    assert.equal(Buffer.from(hmac.digest(parts)).toString("hex"), expected);
    assert.equal(Buffer.from(hmac.digestHexInto(parts, new Uint8Array(64))).toString("ascii"), expected);
  }
});

test("keys around the 64-byte block over the padding edges 55, 56, 63, 64 match node:crypto", () => {
  const next = random(7);
  for (const keyLength of [0, 1, 63, 64, 65, 128, 200]) {
    const key = randomBytes(next, keyLength);
    const hmac = new HmacSha256(key);
    for (const length of [55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129]) {
      const message = randomBytes(next, length);
      assert.equal(
        hmac.digestHex([message]),
        reference(key, [message]),
        `key ${keyLength}, message ${length}`,
      );
    }
  }
});

test("sha256 matches node:crypto for lengths across several blocks", () => {
  const next = random(11);
  for (let length = 0; length < 400; length++) {
    const message = randomBytes(next, length);
    const parts = split(next, message, 1 + Math.floor(next() * 4));
    const expected = createHash("sha256").update(message).digest("hex");
    assert.equal(Buffer.from(sha256(parts)).toString("hex"), expected, `length ${length}`);
  }
});

test("a message of 2^29 + 3 bytes (its bit length needs more than 32 bits) matches node:crypto", () => {
  // Parts that repeat one 1 MiB buffer: the length field is what this checks, not memory.
  const chunk = randomBytes(random(3), 1 << 20);
  const parts = [...Array.from({ length: 512 }, () => chunk), Buffer.from("abc")];
  assert.equal(new HmacSha256(Buffer.from("k")).digestHex(parts), reference(Buffer.from("k"), parts));
});

// RFC 4231 §4.2-4.8, but for test case 5: it checks a truncated MAC, which this module does not offer.
const rfc4231: { name: string; key: Buffer; data: Buffer; mac: string }[] = [
  {
    name: "case 1",
    key: Buffer.alloc(20, 0x0b),
    data: Buffer.from("Hi There"),
    mac: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
  },
  {
    name: "case 2",
    key: Buffer.from("Jefe"),
    data: Buffer.from("what do ya want for nothing?"),
    mac: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
  },
  {
    name: "case 3",
    key: Buffer.alloc(20, 0xaa),
    data: Buffer.alloc(50, 0xdd),
    mac: "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
  },
  {
    name: "case 4",
    key: Buffer.from("0102030405060708090a0b0c0d0e0f10111213141516171819", "hex"),
    data: Buffer.alloc(50, 0xcd),
    mac: "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
  },
  {
    name: "case 6",
    key: Buffer.alloc(131, 0xaa),
    data: Buffer.from("Test Using Larger Than Block-Size Key - Hash Key First"),
    mac: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
  },
  {
    name: "case 7",
    key: Buffer.alloc(131, 0xaa),
    data: Buffer.from(
      "This is a test using a larger than block-size key and a larger than block-size data. " +
        "The key needs to be hashed before being used by the HMAC algorithm.",
    ),
    mac: "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
  },
];

test("RFC 4231 test vectors", () => {
  for (const { name, key, data, mac } of rfc4231) {
    assert.equal(new HmacSha256(key).digestHex([data]), mac, `RFC 4231 ${name}`);
  }
});

test("digestHexInto refuses an output shorter than 64 bytes", () => {
  assert.throws(
    () => new HmacSha256(Buffer.from("k")).digestHexInto([], new Uint8Array(63)),
    /64 output bytes/,
  );
});
