// HMAC-SHA256 (RFC 2104 over SHA-256 of FIPS 180-4) in plain TypeScript, for the kernel's message signatures.
// Why not node:crypto: messages arrive milliseconds apart, so signing always runs with cold caches, and cold, one
// OpenSSL createHmac + update + digest of a ~400-byte message costs 70-90 µs (a fresh context, the key's pad
// blocks hashed again, a crossing into C++ per call) against ~25 µs here, where the key's inner and outer pad
// blocks are hashed once and a message costs only its own blocks and one outer block. Hot, both take ~3-5 µs.

// FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes.
// prettier-ignore
const ROUND_CONSTANTS = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

// FIPS 180-4 §5.3.3: the initial hash value (square roots of the first 8 primes).
// prettier-ignore
const INITIAL_STATE = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

const BLOCK_BYTES = 64;
/** Where the 64-bit message length goes in the last block (FIPS 180-4 §5.1.1). */
const LENGTH_OFFSET = 56;
const ASCII_HEX = new Uint8Array(Buffer.from("0123456789abcdef", "ascii"));

// One message schedule shared by every hash: the code is synchronous, so no two hashes interleave.
const schedule = new Int32Array(64);

/** Loads the 16 big-endian words of the block at `bytes[offset..offset+64)` into the schedule. */
function loadBlock(bytes: Uint8Array, offset: number): void {
  for (let i = 0; i < 16; i++) {
    const j = offset + 4 * i;
    schedule[i] = (bytes[j] << 24) | (bytes[j + 1] << 16) | (bytes[j + 2] << 8) | bytes[j + 3];
  }
}

/** FIPS 180-4 §6.2.2: extends the schedule's first 16 words to 64 and folds them into `state`. */
function compress(state: Int32Array): void {
  const w = schedule;
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15];
    const y = w[i - 2];
    const sigma0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const sigma1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[i] = (w[i - 16] + sigma0 + w[i - 7] + sigma1) | 0;
  }
  let a = state[0];
  let b = state[1];
  let c = state[2];
  let d = state[3];
  let e = state[4];
  let f = state[5];
  let g = state[6];
  let h = state[7];
  for (let i = 0; i < 64; i++) {
    const bigSigma1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const choose = (e & f) ^ (~e & g);
    const t1 = (h + bigSigma1 + choose + ROUND_CONSTANTS[i] + w[i]) | 0;
    const bigSigma0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const majority = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (bigSigma0 + majority) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = (state[0] + a) | 0;
  state[1] = (state[1] + b) | 0;
  state[2] = (state[2] + c) | 0;
  state[3] = (state[3] + d) | 0;
  state[4] = (state[4] + e) | 0;
  state[5] = (state[5] + f) | 0;
  state[6] = (state[6] + g) | 0;
  state[7] = (state[7] + h) | 0;
}

/**
 * A running SHA-256: `state` after the whole blocks absorbed so far, the bytes of the partial block in
 * `pending`, and the total length. Parts are absorbed where they lie; only a partial block's bytes are copied.
 */
class Sha256Stream {
  readonly state = new Int32Array(8);
  private readonly pending = new Uint8Array(BLOCK_BYTES);
  private pendingBytes = 0;
  /** Bytes absorbed, as a double: exact up to 2^53, far beyond any Buffer. */
  private totalBytes = 0;

  /** Starts over from `state` (8 words) after `prefixBytes` already hashed (a multiple of 64). */
  reset(state: Int32Array, prefixBytes: number): void {
    this.state.set(state);
    this.pendingBytes = 0;
    this.totalBytes = prefixBytes;
  }

  absorb(part: Uint8Array): void {
    const length = part.length;
    const pending = this.pending;
    let filled = this.pendingBytes;
    let i = 0;
    if (filled > 0) {
      while (filled < BLOCK_BYTES && i < length) pending[filled++] = part[i++];
      if (filled === BLOCK_BYTES) {
        loadBlock(pending, 0);
        compress(this.state);
        filled = 0;
      }
    }
    for (; i + BLOCK_BYTES <= length; i += BLOCK_BYTES) {
      loadBlock(part, i);
      compress(this.state);
    }
    while (i < length) pending[filled++] = part[i++];
    this.pendingBytes = filled;
    this.totalBytes += length;
  }

  /** Pads (a 1 bit, zeros, the length in bits as 64 big-endian bits) and leaves the digest in `state`. */
  finish(): void {
    const pending = this.pending;
    let filled = this.pendingBytes;
    pending[filled++] = 0x80;
    if (filled > LENGTH_OFFSET) {
      pending.fill(0, filled);
      loadBlock(pending, 0);
      compress(this.state);
      filled = 0;
    }
    pending.fill(0, filled, LENGTH_OFFSET);
    loadBlock(pending, 0);
    // bits = 8 * bytes, split without leaving exact integer arithmetic: high word = bytes / 2^29.
    schedule[14] = Math.floor(this.totalBytes / 0x20000000) | 0;
    schedule[15] = ((this.totalBytes % 0x20000000) * 8) | 0;
    compress(this.state);
    this.pendingBytes = 0;
  }
}

/** The SHA-256 digest (32 bytes) of the concatenation of `parts`. */
export function sha256(parts: readonly Uint8Array[]): Uint8Array {
  const stream = new Sha256Stream();
  stream.reset(INITIAL_STATE, 0);
  for (const part of parts) stream.absorb(part);
  stream.finish();
  return stateBytes(stream.state);
}

function stateBytes(state: Int32Array): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    const word = state[i];
    out[4 * i] = word >>> 24;
    out[4 * i + 1] = word >>> 16;
    out[4 * i + 2] = word >>> 8;
    out[4 * i + 3] = word;
  }
  return out;
}

/** The state after hashing one block: the key XOR-ed with `pad` (RFC 2104's ipad 0x36 or opad 0x5c). */
function padState(block: Uint8Array, pad: number): Int32Array {
  const padded = block.map((byte) => byte ^ pad);
  const state = new Int32Array(INITIAL_STATE);
  loadBlock(padded, 0);
  compress(state);
  return state;
}

/**
 * HMAC-SHA256 with one fixed key (RFC 2104): the key's inner and outer pad blocks are hashed once, here, so a
 * message costs only its own blocks and one outer block. Synchronous and allocation-light for cold callers.
 */
export class HmacSha256 {
  private readonly innerState: Int32Array;
  private readonly outerState: Int32Array;
  private readonly inner = new Sha256Stream();
  private readonly outer = new Int32Array(8);

  /** Any key length: keys longer than the 64-byte block are hashed first, shorter ones zero-padded. */
  constructor(key: Uint8Array) {
    const block = new Uint8Array(BLOCK_BYTES);
    block.set(key.length > BLOCK_BYTES ? sha256([key]) : key);
    this.innerState = padState(block, 0x36);
    this.outerState = padState(block, 0x5c);
  }

  /** The 32-byte MAC of the concatenation of `parts`. */
  digest(parts: readonly Uint8Array[]): Uint8Array {
    return stateBytes(this.run(parts));
  }

  /** The MAC as 64 lowercase hex digits in ASCII, written into `out` (64 bytes or more) and returned. */
  digestHexInto(parts: readonly Uint8Array[], out: Uint8Array): Uint8Array {
    if (out.length < 64) throw new RangeError(`digestHexInto needs 64 output bytes, got ${out.length}`);
    const state = this.run(parts);
    for (let i = 0; i < 8; i++) {
      const word = state[i];
      for (let nibble = 0; nibble < 8; nibble++) {
        out[8 * i + nibble] = ASCII_HEX[(word >>> (28 - 4 * nibble)) & 15];
      }
    }
    return out;
  }

  /** The MAC as 64 lowercase hex digits, as node:crypto's `digest("hex")` gives it. */
  digestHex(parts: readonly Uint8Array[]): string {
    return Buffer.from(this.digestHexInto(parts, new Uint8Array(64)).buffer).toString("latin1");
  }

  /** H(K ^ opad || H(K ^ ipad || message)), leaving the result in `this.outer`. */
  private run(parts: readonly Uint8Array[]): Int32Array {
    const inner = this.inner;
    inner.reset(this.innerState, BLOCK_BYTES);
    for (const part of parts) inner.absorb(part);
    inner.finish();
    // The outer message is the 32-byte inner digest: one block, built as words without a byte round trip.
    schedule.set(inner.state);
    schedule[8] = 0x80000000 | 0;
    schedule.fill(0, 9, 15);
    schedule[15] = (BLOCK_BYTES + 32) * 8;
    const outer = this.outer;
    outer.set(this.outerState);
    compress(outer);
    return outer;
  }
}
