// Array-level kernels on contiguous row-major Float64Arrays: broadcasting maps, strided gathers and
// scatters (permute, slice, broadcast, reductions), concatenation, gather/scatter along an axis.

// Small arrays are carved out of shared slabs: a fresh Float64Array above 64 bytes gets its own off-heap
// backing store, which costs a microsecond and, in bulk, triggers garbage collections. Slabs are never
// reused (so views start zeroed); a slab is freed when its last view is.
const SLAB_BYTES = 1 << 18;
const SLAB_MAX_ELEMENTS = 4096;
let slab = new ArrayBuffer(SLAB_BYTES);
let slabOffset = 0;

/** A zero-filled Float64Array of n elements (from a shared slab when small). */
export function alloc(n: number): Float64Array {
  if (n > SLAB_MAX_ELEMENTS || n <= 8) return new Float64Array(n);
  const bytes = n * 8;
  if (slabOffset + bytes > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabOffset = 0;
  }
  const view = new Float64Array(slab, slabOffset, n);
  slabOffset += bytes;
  return view;
}

/**
 * True when `data` holds the r x c identity (r = c). A general matrix fails on its first entries, so the
 * check is O(1) in practice; an identity (the one-hot seed batch of jacrev/jacfwd, or eye() as
 * gradOutputs) costs one pass, far less than multiplying by it.
 */
export function isIdentityData(data: Float64Array, r: number, c: number): boolean {
  if (r !== c || data.length !== r * c) return false;
  for (let i = 0; i < r; i++) {
    const row = i * c;
    for (let j = 0; j < c; j++) {
      if (data[row + j] !== (i === j ? 1 : 0)) return false;
    }
  }
  return true;
}

/** Number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

/** Row-major strides of a contiguous shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const st = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    st[d] = s;
    s *= shape[d];
  }
  return st;
}

/** The NumPy broadcast of two shapes, or null when they are incompatible. */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] | null {
  const r = Math.max(a.length, b.length);
  const out = new Array<number>(r);
  for (let i = 0; i < r; i++) {
    const da = i < r - a.length ? 1 : a[i - (r - a.length)];
    const db = i < r - b.length ? 1 : b[i - (r - b.length)];
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else return null;
  }
  return out;
}

/** Strides for reading `shape` as if broadcast to `outShape` (0 along broadcast dims). */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const r = outShape.length;
  const off = r - shape.length;
  const st = new Array<number>(r).fill(0);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i + off] = shape[i] === 1 ? 0 : s;
    s *= shape[i];
  }
  return st;
}

/**
 * `shape` and `strides` with size-1 dims dropped and adjacent dims merged where the strides allow
 * (stride[d] = stride[d+1]·size[d+1]), so that a gather over them runs long inner loops: a slice
 * [32, 32, 2] -> [32, 32, 1] becomes one loop of 1024 at stride 2.
 */
export function coalesceStrides(
  shape: readonly number[],
  strides: readonly number[],
): { shape: number[]; strides: number[] } {
  const outShape: number[] = [];
  const outStrides: number[] = [];
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && outStrides[last] === strides[d] * shape[d]) {
      outShape[last] *= shape[d];
      outStrides[last] = strides[d];
    } else {
      outShape.push(shape[d]);
      outStrides.push(strides[d]);
    }
  }
  return { shape: outShape, strides: outStrides };
}

/**
 * out[k] = src[base + sum_d idx_d * strides[d]] over the multi-index idx of `outShape`: the one loop
 * behind permute, slice and broadcastTo (into `out` when given, else a new array).
 */
export function stridedGather(
  src: Float64Array,
  base: number,
  strides: readonly number[],
  outShape: readonly number[],
  out: Float64Array = alloc(sizeOf(outShape)),
): Float64Array {
  const n = sizeOf(outShape);
  if (n === 0) return out;
  const c = outShape.length > 1 ? coalesceStrides(outShape, strides) : { shape: outShape, strides };
  const r = c.shape.length;
  if (r === 0) {
    out[0] = src[base];
    return out;
  }
  const last = r - 1;
  const nLast = c.shape[last];
  const sLast = c.strides[last];
  if (r === 1) {
    if (sLast === 1) out.set(src.subarray(base, base + n));
    else for (let j = 0, p = base; j < n; j++, p += sLast) out[j] = src[p];
    return out;
  }
  const idx = new Int32Array(r);
  let pos = base;
  for (let o = 0; o < n; o += nLast) {
    for (let j = 0, p = pos; j < nLast; j++, p += sLast) out[o + j] = src[p];
    for (let d = last - 1; d >= 0; d--) {
      pos += c.strides[d];
      if (++idx[d] < c.shape[d]) break;
      pos -= c.strides[d] * c.shape[d];
      idx[d] = 0;
    }
  }
  return out;
}

// Transposes go through tiles of this many rows and columns, so that both sides stay in cache.
const TILE = 32;

/** out[outOff + j*rows + i] = src[srcOff + i*cols + j]: a rows×cols matrix transposed, tile by tile. */
export function transposeInto(
  src: Float64Array,
  srcOff: number,
  rows: number,
  cols: number,
  out: Float64Array,
  outOff: number,
): void {
  for (let i0 = 0; i0 < rows; i0 += TILE) {
    const i1 = Math.min(rows, i0 + TILE);
    for (let j0 = 0; j0 < cols; j0 += TILE) {
      const j1 = Math.min(cols, j0 + TILE);
      for (let i = i0; i < i1; i++) {
        const from = srcOff + i * cols;
        for (let j = j0; j < j1; j++) out[outOff + j * rows + i] = src[from + j];
      }
    }
  }
}

/**
 * When `perm` only swaps the last two dims, the number of matrices and their rows and columns (a batch of
 * transposes); else null.
 */
export function batchedTranspose(
  shape: readonly number[],
  perm: readonly number[],
): { count: number; rows: number; cols: number } | null {
  const r = perm.length;
  if (r < 2 || perm[r - 2] !== r - 1 || perm[r - 1] !== r - 2) return null;
  for (let d = 0; d < r - 2; d++) if (perm[d] !== d) return null;
  let count = 1;
  for (let d = 0; d < r - 2; d++) count *= shape[d];
  return { count, rows: shape[r - 2], cols: shape[r - 1] };
}

/** dst[base + sum_d idx_d * strides[d]] += src[k] over the multi-index of `srcShape` (the transpose). */
export function stridedScatterAdd(
  dst: Float64Array,
  base: number,
  strides: readonly number[],
  src: Float64Array,
  srcShape: readonly number[],
): void {
  const n = sizeOf(srcShape);
  const r = srcShape.length;
  if (n === 0) return;
  if (r === 0) {
    dst[base] += src[0];
    return;
  }
  const last = r - 1;
  const nLast = srcShape[last];
  const sLast = strides[last];
  const idx = new Int32Array(r);
  let pos = base;
  for (let o = 0; o < n; o += nLast) {
    for (let j = 0, p = pos; j < nLast; j++, p += sLast) dst[p] += src[o + j];
    for (let d = last - 1; d >= 0; d--) {
      pos += strides[d];
      if (++idx[d] < srcShape[d]) break;
      pos -= strides[d] * srcShape[d];
      idx[d] = 0;
    }
  }
}

/** Materialises `src` (of `shape`) broadcast to `outShape`. */
export function expandData(
  src: Float64Array,
  shape: readonly number[],
  outShape: readonly number[],
): Float64Array {
  if (src.length === sizeOf(outShape)) return src;
  return stridedGather(src, 0, broadcastStrides(shape, outShape), outShape);
}

/** out = f(a, b) with NumPy broadcasting; fast paths for equal sizes and scalars. */
export function binaryMap(
  a: Float64Array,
  aShape: readonly number[],
  b: Float64Array,
  bShape: readonly number[],
  outShape: readonly number[],
  f: (x: number, y: number) => number,
): Float64Array {
  const n = sizeOf(outShape);
  const out = alloc(n);
  if (a.length === n && b.length === n) {
    for (let i = 0; i < n; i++) out[i] = f(a[i], b[i]);
    return out;
  }
  if (b.length === 1 && a.length === n) {
    const y = b[0];
    for (let i = 0; i < n; i++) out[i] = f(a[i], y);
    return out;
  }
  if (a.length === 1 && b.length === n) {
    const x = a[0];
    for (let i = 0; i < n; i++) out[i] = f(x, b[i]);
    return out;
  }
  const r = outShape.length;
  if (n === 0) return out;
  const sa = broadcastStrides(aShape, outShape);
  const sb = broadcastStrides(bShape, outShape);
  const last = r - 1;
  const nLast = outShape[last];
  const saL = sa[last];
  const sbL = sb[last];
  const idx = new Int32Array(r);
  let ia = 0;
  let ib = 0;
  for (let o = 0; o < n; o += nLast) {
    for (let j = 0; j < nLast; j++) out[o + j] = f(a[ia + j * saL], b[ib + j * sbL]);
    for (let d = last - 1; d >= 0; d--) {
      ia += sa[d];
      ib += sb[d];
      if (++idx[d] < outShape[d]) break;
      ia -= sa[d] * outShape[d];
      ib -= sb[d] * outShape[d];
      idx[d] = 0;
    }
  }
  return out;
}

/** The shape kept by a reduction over `axes` with size-1 dims in their place. */
export function keptShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

/** Reduces over `axes` into the kept shape with `init` and `combine` (sum, max, prod), into `out` if given. */
export function reduceData(
  src: Float64Array,
  shape: readonly number[],
  axes: readonly number[],
  init: number,
  combine: "sum" | "max" | "prod",
  out: Float64Array = alloc(sizeOf(keptShape(shape, axes))),
): Float64Array {
  const kept = keptShape(shape, axes);
  out.fill(init);
  const n = src.length;
  if (out.length === 1) {
    let acc = init;
    if (combine === "sum") for (let i = 0; i < n; i++) acc += src[i];
    else if (combine === "max")
      for (let i = 0; i < n; i++) acc = src[i] > acc || src[i] !== src[i] ? src[i] : acc;
    else for (let i = 0; i < n; i++) acc *= src[i];
    out[0] = acc;
    return out;
  }
  if (n === 0) return out;
  const st = broadcastStrides(kept, shape);
  const r = shape.length;
  const idx = new Int32Array(r);
  let pos = 0;
  for (let i = 0; i < n; i++) {
    const v = src[i];
    if (combine === "sum") out[pos] += v;
    else if (combine === "max") out[pos] = v > out[pos] || v !== v ? v : out[pos];
    else out[pos] *= v;
    for (let d = r - 1; d >= 0; d--) {
      pos += st[d];
      if (++idx[d] < shape[d]) break;
      pos -= st[d] * shape[d];
      idx[d] = 0;
    }
  }
  return out;
}

/** Concatenates row-major blocks along `axis` (into `out` when given). */
export function concatData(
  parts: { data: Float64Array; shape: readonly number[] }[],
  axis: number,
  out?: Float64Array,
): Float64Array {
  const shape0 = parts[0].shape;
  let outer = 1;
  for (let d = 0; d < axis; d++) outer *= shape0[d];
  let total = 0;
  for (const p of parts) total += p.data.length;
  out ??= alloc(total);
  const blocks = parts.map((p) => (outer === 0 ? 0 : p.data.length / outer));
  const width = total / Math.max(outer, 1);
  // Part by part: each is a strided copy with its own tight loop (a concatenation along a late axis,
  // e.g. a roll or a stack of [.., 1] parts, has runs of a few elements that a row-by-row walk pays for).
  let offset = 0;
  for (let k = 0; k < parts.length; k++) {
    const len = blocks[k];
    const src = parts[k].data;
    if (len >= 64) {
      for (let o = 0; o < outer; o++) out.set(src.subarray(o * len, (o + 1) * len), o * width + offset);
    } else if (len === 1) {
      for (let o = 0, p = offset; o < outer; o++, p += width) out[p] = src[o];
    } else {
      for (let o = 0, from = 0, p = offset; o < outer; o++, p += width) {
        for (let t = 0; t < len; t++) out[p + t] = src[from++];
      }
    }
    offset += len;
  }
  return out;
}

/**
 * Gather (forward) or scatter-add (transpose) along `axis`: for each multi-index i of `idxShape`,
 * big[i with i_axis := index[i]] is read into small[i] (gather) or small[i] is added into it (scatter).
 */
export function gatherScatter(
  big: Float64Array,
  bigShape: readonly number[],
  small: Float64Array,
  index: Float64Array,
  idxShape: readonly number[],
  axis: number,
  scatter: boolean,
): void {
  const n = index.length;
  const r = idxShape.length;
  const bst = stridesOf(bigShape);
  const idx = new Int32Array(r);
  let pos = 0;
  for (let k = 0; k < n; k++) {
    const at = pos + index[k] * bst[axis];
    if (scatter) big[at] += small[k];
    else small[k] = big[at];
    for (let d = r - 1; d >= 0; d--) {
      if (d !== axis) pos += bst[d];
      if (++idx[d] < idxShape[d]) break;
      if (d !== axis) pos -= bst[d] * idxShape[d];
      idx[d] = 0;
    }
  }
}
