// Refuses replayed messages with bounded memory: the digest of every accepted message is kept while its
// header.date is inside a time window around this machine's clock, and a message dated outside the window is
// refused, so a digest may be forgotten only once its message could no longer be accepted anyway. Under a
// flood the oldest digests go first and the window's lower edge moves up past them, so memory stays
// bounded and still no replay is ever accepted.

import { SignatureError } from "./errors.js";

/** Options of a {@link ReplayGuard}; tests shrink them. */
export interface ReplayGuardOptions {
  /** How far a message's date may be from this machine's clock, either way (default 15 minutes). */
  windowMs?: number;
  /** At most this many digests are kept (default 2^16). */
  capacity?: number;
  /** The clock (default Date.now). */
  now?: () => number;
}

/** A binary min-heap of [date, digest] pairs, oldest first. */
class DateHeap {
  private readonly dates: number[] = [];
  private readonly digests: string[] = [];

  get size(): number {
    return this.dates.length;
  }

  oldest(): number {
    return this.dates[0];
  }

  push(date: number, digest: string): void {
    let i = this.dates.length;
    this.dates.push(date);
    this.digests.push(digest);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.dates[parent] <= date) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** Removes the oldest pair and returns its digest. */
  pop(): string {
    const digest = this.digests[0];
    const lastDate = this.dates.pop() as number;
    const lastDigest = this.digests.pop() as string;
    if (this.dates.length > 0) {
      this.dates[0] = lastDate;
      this.digests[0] = lastDigest;
      let i = 0;
      for (;;) {
        const [left, right] = [2 * i + 1, 2 * i + 2];
        let smallest = i;
        if (left < this.dates.length && this.dates[left] < this.dates[smallest]) smallest = left;
        if (right < this.dates.length && this.dates[right] < this.dates[smallest]) smallest = right;
        if (smallest === i) break;
        this.swap(i, smallest);
        i = smallest;
      }
    }
    return digest;
  }

  private swap(a: number, b: number): void {
    [this.dates[a], this.dates[b]] = [this.dates[b], this.dates[a]];
    [this.digests[a], this.digests[b]] = [this.digests[b], this.digests[a]];
  }
}

/** The milliseconds of an ISO 8601 header date (UTC when it names no zone), or NaN. */
export function headerDateMs(date: unknown): number {
  if (typeof date !== "string" || date === "") return NaN;
  const zoned = /(?:Z|[+-]\d\d:?\d\d)$/i.test(date) ? date : `${date}Z`;
  return Date.parse(zoned);
}

/** Remembers the digests of accepted signed messages and refuses a message seen before or dated outside the window. */
export class ReplayGuard {
  private readonly windowMs: number;
  private readonly capacity: number;
  private readonly now: () => number;
  private readonly seen = new Set<string>();
  private readonly byDate = new DateHeap();
  /** Messages dated at or before this are refused: their digests may have been forgotten. */
  private floor = -Infinity;

  constructor(options: ReplayGuardOptions = {}) {
    this.windowMs = options.windowMs ?? 15 * 60_000;
    this.capacity = options.capacity ?? 1 << 16;
    this.now = options.now ?? Date.now;
  }

  /** How many digests are held. */
  get size(): number {
    return this.seen.size;
  }

  /** Accepts a message once (recording its digest), or throws SignatureError saying why it was refused. */
  admit(digest: string, date: unknown): void {
    const dated = headerDateMs(date);
    if (Number.isNaN(dated)) {
      throw new SignatureError(
        `message has no usable header.date (${JSON.stringify(date)}); signed messages must be dated to be checked for replay`,
      );
    }
    const now = this.now();
    this.forget(now - this.windowMs);
    const skew = dated - now;
    if (Math.abs(skew) > this.windowMs || dated <= this.floor) {
      const minutes = (Math.abs(skew) / 60_000).toFixed(1);
      const side = skew < 0 ? "before" : "after";
      throw new SignatureError(
        `message dated ${String(date)} is ${minutes} min ${side} this machine's clock, outside the ` +
          `±${this.windowMs / 60_000} min replay window (a replayed message, or the client's clock is off)`,
      );
    }
    if (this.seen.has(digest))
      throw new SignatureError("message signature was seen before (replayed message)");
    this.seen.add(digest);
    this.byDate.push(dated, digest);
    // Under a flood, forget the oldest and refuse anything dated before them from now on.
    while (this.byDate.size > this.capacity) {
      this.floor = Math.max(this.floor, this.byDate.oldest());
      this.seen.delete(this.byDate.pop());
    }
  }

  /** Drops digests dated before `edge`: messages that old are refused by date (even if the clock steps back). */
  private forget(edge: number): void {
    while (this.byDate.size > 0 && this.byDate.oldest() < edge) {
      this.floor = Math.max(this.floor, this.byDate.oldest());
      this.seen.delete(this.byDate.pop());
    }
  }
}
