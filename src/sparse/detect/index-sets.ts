// Per-element dependency sets of a traced tensor, stored flat (CSR): element k depends on the input indices
// idx[ptr[k] .. ptr[k+1]), sorted and distinct. Sets are immutable once built, so operations that do not
// change them (unary maps, same-shape copies) share one object. Unions use a marker array over the inputs
// (a stamp per row), which costs O(entries) with no hashing; a row is sorted only when its sources arrive
// out of order.

/** The sets of one tensor's elements, flat: row k is idx[ptr[k]..ptr[k + 1]), sorted and distinct. */
export class IndexSets {
  constructor(
    readonly ptr: Int32Array,
    readonly idx: Int32Array,
  ) {}

  /** The number of elements (rows). */
  get size(): number {
    return this.ptr.length - 1;
  }

  /** The total number of (element, input) entries. */
  get entries(): number {
    return this.ptr[this.ptr.length - 1];
  }

  /** The entries of element k (a view, do not mutate). */
  row(k: number): Int32Array {
    return this.idx.subarray(this.ptr[k], this.ptr[k + 1]);
  }

  /** Element k depends on input j when {j} is one of its entries; element i of `count` depends on input i. */
  static identity(count: number): IndexSets {
    const ptr = new Int32Array(count + 1);
    const idx = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      ptr[i + 1] = i + 1;
      idx[i] = i;
    }
    return new IndexSets(ptr, idx);
  }
}

/**
 * The marker array shared by every union of one detection: `mark[j] === stamp` while input j is in the
 * row being built. One per detection, sized by the number of inputs.
 */
export class Workspace {
  readonly mark: Int32Array;
  stamp = 0;
  constructor(readonly universe: number) {
    this.mark = new Int32Array(Math.max(universe, 1));
  }
  /** A fresh stamp (wrapping around clears the marks so old stamps cannot collide). */
  next(): number {
    if (this.stamp === 0x7fffffff) {
      this.mark.fill(0);
      this.stamp = 0;
    }
    return ++this.stamp;
  }
}

/** Builds sets row by row: `add` unions rows of other sets (or single inputs) into the current row. */
export class SetBuilder {
  private ptr: Int32Array;
  private idx: Int32Array;
  private len = 0;
  private row = 0;
  private stamp: number;
  private last = -1;
  private ordered = true;

  constructor(
    private readonly ws: Workspace,
    readonly size: number,
    capacity = size,
  ) {
    this.ptr = new Int32Array(size + 1);
    this.idx = new Int32Array(Math.max(capacity, 4));
    this.stamp = ws.next();
  }

  /** Adds the entries of row k of `sets` to the current row. */
  add(sets: IndexSets, k: number): void {
    const { ptr, idx } = sets;
    const end = ptr[k + 1];
    for (let p = ptr[k]; p < end; p++) this.addOne(idx[p]);
  }

  /** Adds input j to the current row. */
  addOne(j: number): void {
    const mark = this.ws.mark;
    if (mark[j] === this.stamp) return;
    mark[j] = this.stamp;
    if (this.len === this.idx.length) {
      const grown = new Int32Array(this.idx.length * 2);
      grown.set(this.idx);
      this.idx = grown;
    }
    this.idx[this.len++] = j;
    if (j < this.last) this.ordered = false;
    this.last = j;
  }

  /** Closes the current row (sorting it if needed) and starts the next. */
  end(): void {
    const start = this.ptr[this.row];
    if (!this.ordered) sortRange(this.idx, start, this.len);
    this.ptr[++this.row] = this.len;
    this.stamp = this.ws.next();
    this.last = -1;
    this.ordered = true;
  }

  /** The finished sets; every row must have been closed. */
  finish(): IndexSets {
    if (this.row !== this.size) {
      throw new Error(`internal: SetBuilder closed ${this.row} of ${this.size} rows`);
    }
    return new IndexSets(this.ptr, this.len === this.idx.length ? this.idx : this.idx.slice(0, this.len));
  }
}

/** Sorts a[from..to) ascending: insertion sort for short runs, the typed-array sort otherwise. */
function sortRange(a: Int32Array, from: number, to: number): void {
  if (to - from > 24) {
    a.subarray(from, to).sort();
    return;
  }
  for (let i = from + 1; i < to; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= from && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

/** Row k of the result is row map[k] of `src` (or empty where map[k] < 0): copies, no unions. */
export function gatherRows(src: IndexSets, map: Int32Array): IndexSets {
  const n = map.length;
  const ptr = new Int32Array(n + 1);
  const sp = src.ptr;
  for (let k = 0; k < n; k++) {
    const r = map[k];
    ptr[k + 1] = ptr[k] + (r < 0 ? 0 : sp[r + 1] - sp[r]);
  }
  const idx = new Int32Array(ptr[n]);
  const si = src.idx;
  for (let k = 0; k < n; k++) {
    const r = map[k];
    if (r < 0) continue;
    // A plain loop: rows are short, and a subarray per row would allocate.
    let at = ptr[k];
    for (let p = sp[r], end = sp[r + 1]; p < end; p++) idx[at++] = si[p];
  }
  return new IndexSets(ptr, idx);
}

/**
 * Row t of the result is the union of the rows k of `src` with target[k] === t (target[k] < 0: dropped):
 * what a reduction or a scatter does to dependencies. Groups by a counting sort, then unions each group.
 */
export function scatterUnion(ws: Workspace, src: IndexSets, target: Int32Array, outSize: number): IndexSets {
  const start = new Int32Array(outSize + 1);
  for (let k = 0; k < target.length; k++) if (target[k] >= 0) start[target[k] + 1]++;
  for (let t = 0; t < outSize; t++) start[t + 1] += start[t];
  const members = new Int32Array(start[outSize]);
  const fill = start.slice(0, outSize);
  for (let k = 0; k < target.length; k++) if (target[k] >= 0) members[fill[target[k]]++] = k;
  const b = new SetBuilder(ws, outSize, src.entries);
  for (let t = 0; t < outSize; t++) {
    for (let q = start[t]; q < start[t + 1]; q++) b.add(src, members[q]);
    b.end();
  }
  return b.finish();
}

/**
 * Row k is the union over operands q of row maps[q][k] of sets[q] (a null map: row k), skipping operand q
 * at k where keeps[q] says so: the inner loop of every elementwise rule, with the marker logic inlined.
 */
export function unionRows(
  ws: Workspace,
  size: number,
  sets: readonly IndexSets[],
  maps: readonly (Int32Array | null)[],
  keeps: readonly (((k: number) => boolean) | null)[] = [],
): IndexSets {
  let cap = 0;
  for (const s of sets) cap += s.entries;
  cap = Math.max(4, Math.min(cap, 1 << 20));
  let idx = new Int32Array(cap);
  const ptr = new Int32Array(size + 1);
  const mark = ws.mark;
  let len = 0;
  for (let k = 0; k < size; k++) {
    const stamp = ws.next();
    const start = len;
    let last = -1;
    let ordered = true;
    for (let q = 0; q < sets.length; q++) {
      const keep = keeps[q];
      if (keep != null && !keep(k)) continue;
      const map = maps[q];
      const r = map === null ? k : map[k];
      const sp = sets[q].ptr;
      const si = sets[q].idx;
      for (let p = sp[r], end = sp[r + 1]; p < end; p++) {
        const j = si[p];
        if (mark[j] === stamp) continue;
        mark[j] = stamp;
        if (len === idx.length) {
          const grown = new Int32Array(idx.length * 2);
          grown.set(idx);
          idx = grown;
        }
        idx[len++] = j;
        if (j < last) ordered = false;
        last = j;
      }
    }
    if (!ordered) sortRange(idx, start, len);
    ptr[k + 1] = len;
  }
  return new IndexSets(ptr, len === idx.length ? idx : idx.slice(0, len));
}

/** The sets with only the rows where keep(k) is true (others emptied); the same object when all are kept. */
export function keepRows(src: IndexSets, keep: (k: number) => boolean): IndexSets {
  const n = src.size;
  let all = true;
  const map = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const yes = keep(k);
    map[k] = yes ? k : -1;
    if (!yes && src.ptr[k + 1] > src.ptr[k]) all = false;
  }
  return all ? src : gatherRows(src, map);
}

/** One set holding every entry of `src` (the union of all its rows), as a one-row IndexSets. */
export function unionAll(ws: Workspace, src: IndexSets): IndexSets {
  return scatterUnion(ws, src, new Int32Array(src.size), 1);
}
