// A WebAssembly SIMD (f64x2) micro-kernel for the blocked matmul, assembled at load time from the readable
// instruction list below: it multiplies a packed A block by a packed B panel into a C scratch block,
// 4x4 tiles at a time with eight two-lane accumulators. Absent SIMD support, `wasmGemm` is null.

// ---- a minimal WebAssembly encoder: just the opcodes this kernel uses ----

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function name(s: string): number[] {
  return vec([...s].map((c) => [c.charCodeAt(0)]));
}

const I32 = 0x7f;
const V128 = 0x7b;
const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  else: [0x05],
  end: [0x0b],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  i32: (v: number) => [0x41, ...sleb(v)],
  i32Add: [0x6a],
  i32Mul: [0x6c],
  i32GeU: [0x4f],
  // SIMD opcodes (prefix 0xfd): memarg = alignment log2, byte offset
  v128Load: (offset: number) => [0xfd, ...uleb(0x00), 4, ...uleb(offset)],
  v128Load64Splat: (offset: number) => [0xfd, ...uleb(0x0a), 3, ...uleb(offset)],
  v128Store: (offset: number) => [0xfd, ...uleb(0x0b), 4, ...uleb(offset)],
  v128Zero: [0xfd, ...uleb(0x0c), ...new Array<number>(16).fill(0)],
  f64x2Add: [0xfd, ...uleb(0xf0)],
  f64x2Mul: [0xfd, ...uleb(0xf2)],
};

// Parameters of `panel(aOff, bOff, cOff, mc, nc, kc, ldc, add)`: byte offsets of the packed A block
// (mc×kc in 4-row strips), the packed B panel (kc×nc in 4-column strips) and the C scratch block
// (row-major, ldc doubles per row); mc and nc are multiples of 4; add != 0 accumulates into C.
const [A_OFF, B_OFF, C_OFF, MC, NC, KC, LDC, ADD] = [0, 1, 2, 3, 4, 5, 6, 7];
// i32 locals
const [JR, IR, P, AP, BP, CP, ROWBYTES] = [8, 9, 10, 11, 12, 13, 14];
// v128 locals: accumulators c[r][h] (row r, lanes 2h..2h+1), then b01, b23, a
const ACC = 15;
const B01 = ACC + 8;
const B23 = B01 + 1;
const AV = B23 + 1;

function acc(r: number, h: number): number {
  return ACC + 2 * r + h;
}

function panelBody(): number[] {
  const code: number[][] = [];
  const emit = (...parts: number[][]) => code.push(...parts);
  emit(op.get(LDC), op.i32(8), [op.i32Mul].flat(), op.set(ROWBYTES));
  emit(op.i32(0), op.set(JR));
  emit(op.block, op.loop); // over column strips jr
  emit(op.get(JR), op.get(NC), op.i32GeU, op.brIf(1));
  emit(op.i32(0), op.set(IR));
  emit(op.block, op.loop); // over row strips ir
  emit(op.get(IR), op.get(MC), op.i32GeU, op.brIf(1));
  // cp = cOff + (ir*ldc + jr)*8; ap = aOff + ir*kc*8; bp = bOff + jr*kc*8
  emit(op.get(C_OFF), op.get(IR), op.get(ROWBYTES), op.i32Mul, op.i32Add, op.get(JR), op.i32(8), op.i32Mul);
  emit(op.i32Add, op.set(CP));
  emit(op.get(A_OFF), op.get(IR), op.get(KC), op.i32Mul, op.i32(8), op.i32Mul, op.i32Add, op.set(AP));
  emit(op.get(B_OFF), op.get(JR), op.get(KC), op.i32Mul, op.i32(8), op.i32Mul, op.i32Add, op.set(BP));
  // Accumulators start from C (add) or zero.
  // The address of row r of the C tile: cp + r*rowBytes.
  const cRow = (r: number): number[][] => [op.get(CP), op.get(ROWBYTES), op.i32(r), op.i32Mul, op.i32Add];
  emit(op.get(ADD), op.if);
  for (let r = 0; r < 4; r++) {
    for (let h = 0; h < 2; h++) emit(...cRow(r), op.v128Load(16 * h), op.set(acc(r, h)));
  }
  emit(op.else);
  for (let i = 0; i < 8; i++) emit(op.v128Zero, op.set(ACC + i));
  emit(op.end);
  // k loop: c[r] += splat(a[p, r]) * b[p, 0:4]
  emit(op.i32(0), op.set(P));
  emit(op.block, op.loop);
  emit(op.get(P), op.get(KC), op.i32GeU, op.brIf(1));
  emit(op.get(BP), op.v128Load(0), op.set(B01), op.get(BP), op.v128Load(16), op.set(B23));
  for (let r = 0; r < 4; r++) {
    emit(op.get(AP), op.v128Load64Splat(8 * r), op.set(AV));
    for (let h = 0; h < 2; h++) {
      emit(
        op.get(acc(r, h)),
        op.get(AV),
        op.get(h === 0 ? B01 : B23),
        op.f64x2Mul,
        op.f64x2Add,
        op.set(acc(r, h)),
      );
    }
  }
  emit(op.get(AP), op.i32(32), op.i32Add, op.set(AP), op.get(BP), op.i32(32), op.i32Add, op.set(BP));
  emit(op.get(P), op.i32(1), op.i32Add, op.set(P), op.br(0));
  emit(op.end, op.end);
  // Store the tile.
  for (let r = 0; r < 4; r++) {
    for (let h = 0; h < 2; h++) emit(...cRow(r), op.get(acc(r, h)), op.v128Store(16 * h));
  }
  emit(op.get(IR), op.i32(4), op.i32Add, op.set(IR), op.br(0));
  emit(op.end, op.end);
  emit(op.get(JR), op.i32(4), op.i32Add, op.set(JR), op.br(0));
  emit(op.end, op.end);
  emit(op.end);
  const locals = vec([
    [...uleb(7), I32],
    [...uleb(11), V128],
  ]);
  const body = [...locals, ...code.flat()];
  return [...uleb(body.length), ...body];
}

function moduleBytes(): Uint8Array {
  const type = section(1, vec([[0x60, ...vec(new Array<number[]>(8).fill([I32])), ...vec([])]]));
  const imports = section(2, vec([[...name("env"), ...name("memory"), 0x02, 0x00, ...uleb(1)]]));
  const funcs = section(3, vec([uleb(0)]));
  const exports = section(7, vec([[...name("panel"), 0x00, ...uleb(0)]]));
  const code = section(10, vec([panelBody()]));
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...type,
    ...imports,
    ...funcs,
    ...exports,
    ...code,
  ]);
}

/** The SIMD kernel bound to its memory; views are re-created whenever the memory grows. */
export interface WasmGemm {
  /** Makes the memory at least `bytes` long and returns a Float64Array view of all of it. */
  reserve(bytes: number): Float64Array;
  /** See the parameter comment above `panel` in this file. */
  panel(
    aOff: number,
    bOff: number,
    cOff: number,
    mc: number,
    nc: number,
    kc: number,
    ldc: number,
    add: number,
  ): void;
}

// The slice of the WebAssembly JS API used here (this project's TypeScript libs do not declare it).
interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Memory: new (desc: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

function instantiate(): WasmGemm | null {
  const WebAssembly = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (WebAssembly === undefined) return null;
  const bytes = moduleBytes();
  if (!WebAssembly.validate(bytes)) return null;
  const memory = new WebAssembly.Memory({ initial: 1 });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
  const panel = instance.exports.panel as WasmGemm["panel"];
  let view = new Float64Array(memory.buffer);
  return {
    reserve(need: number): Float64Array {
      if (memory.buffer.byteLength < need) memory.grow(Math.ceil((need - memory.buffer.byteLength) / 65536));
      if (view.buffer !== memory.buffer) view = new Float64Array(memory.buffer);
      return view;
    },
    panel,
  };
}

/** The SIMD kernel, or null when this runtime lacks WebAssembly SIMD. */
export const wasmGemm: WasmGemm | null = instantiate();
