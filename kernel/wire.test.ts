// Unit tests of the wire format: signing, verification, framing, malformed input.

import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { ProtocolError, SignatureError, UnsupportedSignatureSchemeError } from "./errors.js";
import { decodeFrames, DELIMITER, encodeFrames, Signer, type WireMessage } from "./wire.js";

const header = {
  msg_id: "m1",
  msg_type: "execute_request",
  session: "s1",
  username: "u",
  date: new Date().toISOString(),
  version: "5.3",
};

function message(identities: Buffer[] = [Buffer.from("id-a")]): WireMessage {
  return {
    identities,
    header,
    parentHeader: {},
    metadata: { m: 1 },
    content: { code: "1 + 1" },
    buffers: [],
  };
}

test("signature is HMAC-SHA256 over header, parent_header, metadata, content", () => {
  const frames = encodeFrames(message(), new Signer("k"));
  const expected = createHmac("sha256", "k");
  for (const frame of frames.slice(3, 7)) expected.update(frame);
  assert.equal(frames[2]?.toString(), expected.digest("hex"));
});

test("signatures match node:crypto for every scheme, key length and case (sha256 runs in TypeScript)", () => {
  const keys = ["k", "ключ-ü", "x".repeat(64), "y".repeat(65), "z".repeat(300)];
  for (const scheme of ["hmac-sha256", "HMAC-SHA256", "hmac-sha512", "hmac-sha1"]) {
    for (const key of keys) {
      const frames = encodeFrames(message(), new Signer(key, scheme));
      const expected = createHmac(scheme.slice(5).toLowerCase(), Buffer.from(key, "utf8"));
      for (const frame of frames.slice(3, 7)) expected.update(frame);
      assert.equal(frames[2]?.toString("ascii"), expected.digest("hex"), `${scheme}, key ${key.length}`);
      assert.equal(decodeFrames(frames, new Signer(key, scheme)).header.msg_id, "m1");
    }
  }
});

test("a signature that is truncated, too long, upper-case or of another scheme is refused", () => {
  const frames = encodeFrames(message(), new Signer("k"));
  const good = frames[2]?.toString("ascii") ?? "";
  for (const forged of [good.slice(0, 63), `${good}0`, good.toUpperCase(), "0".repeat(64), good.repeat(2)]) {
    const altered = [...frames];
    altered[2] = Buffer.from(forged, "ascii");
    assert.throws(() => decodeFrames(altered, new Signer("k")), SignatureError, forged);
  }
  assert.throws(() => decodeFrames(frames, new Signer("k", "hmac-sha512")), SignatureError);
  const sha512 = encodeFrames(message(), new Signer("k", "hmac-sha512"));
  assert.throws(() => decodeFrames(sha512, new Signer("k")), SignatureError);
});

test("a correctly signed message decodes with its identities, content and buffers", () => {
  const ids = [Buffer.from("router-a"), Buffer.from("router-b"), Buffer.from([0, 1, 2])];
  const original = { ...message(ids), buffers: [Buffer.from("raw")] };
  const decoded = decodeFrames(encodeFrames(original, new Signer("k")), new Signer("k"));
  assert.deepEqual(decoded.identities, ids);
  assert.equal(decoded.header.msg_id, "m1");
  assert.deepEqual(decoded.content, { code: "1 + 1" });
  assert.deepEqual(decoded.metadata, { m: 1 });
  assert.deepEqual(decoded.buffers, [Buffer.from("raw")]);
});

test("a message signed with another key is refused", () => {
  const frames = encodeFrames(message(), new Signer("other"));
  assert.throws(() => decodeFrames(frames, new Signer("k")), SignatureError);
});

test("an altered content frame is refused", () => {
  const frames = encodeFrames(message(), new Signer("k"));
  frames[6] = Buffer.from(JSON.stringify({ code: "evil()" }));
  assert.throws(() => decodeFrames(frames, new Signer("k")), SignatureError);
});

test("a missing signature is refused when a key is set", () => {
  const frames = encodeFrames(message(), new Signer(""));
  assert.equal(frames[2]?.length, 0);
  assert.throws(() => decodeFrames(frames, new Signer("k")), /no signature/);
});

test("a replayed message is refused", () => {
  const signer = new Signer("k");
  const frames = encodeFrames(message(), new Signer("k"));
  decodeFrames(frames, signer);
  assert.throws(() => decodeFrames(frames, signer), /replayed/);
});

test("an empty key signs nothing and checks nothing", () => {
  const frames = encodeFrames(message(), new Signer(""));
  frames[2] = Buffer.from("whatever");
  assert.equal(decodeFrames(frames, new Signer("")).header.msg_type, "execute_request");
});

test("an unknown signature scheme is refused at construction", () => {
  assert.throws(() => new Signer("k", "hmac-nosuchhash"), UnsupportedSignatureSchemeError);
  assert.throws(() => new Signer("k", "rsa-sha256"), /unsupported signature_scheme "rsa-sha256"/);
  assert.equal(new Signer("k", "hmac-sha512").enabled, true);
});

test("malformed frames are ProtocolErrors naming the problem", () => {
  const signer = new Signer("");
  const good = encodeFrames(message(), signer);
  assert.throws(() => decodeFrames([Buffer.from("a"), Buffer.from("b")], signer), /no <IDS\|MSG> delimiter/);
  assert.throws(() => decodeFrames(good.slice(0, 5), signer), /at least 5 frames/);
  const badJson = [...good];
  badJson[3] = Buffer.from("{not json");
  assert.throws(() => decodeFrames(badJson, signer), /header frame is not valid JSON/);
  const noType = [...good];
  noType[3] = Buffer.from(JSON.stringify({ msg_id: "x" }));
  assert.throws(() => decodeFrames(noType, signer), /header has no msg_type/);
  const arrayContent = [...good];
  arrayContent[6] = Buffer.from("[1]");
  assert.throws(() => decodeFrames(arrayContent, signer), ProtocolError);
});

test("the delimiter may follow any number of identities, including none", () => {
  const frames = encodeFrames(message([]), new Signer("k"));
  assert.equal(frames[0]?.toString(), DELIMITER);
  assert.deepEqual(decodeFrames(frames, new Signer("k")).identities, []);
});

test("bigint values in outgoing content are serialised as strings", () => {
  const frames = encodeFrames({ ...message(), content: { n: 10n } }, new Signer(""));
  assert.equal(frames[6]?.toString(), '{"n":"10"}');
});
