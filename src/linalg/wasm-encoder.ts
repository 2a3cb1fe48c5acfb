// A minimal WebAssembly encoder: just the instructions jaclab's generated kernels use, functions with
// named locals, and a module that imports one memory. Kernels are assembled at load time from readable
// instruction lists, so there is no binary blob in the repository.

/** Value types. */
export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F64 | typeof V128;

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (32-bit). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

const simd = (code: number): number[] => [0xfd, ...uleb(code)];
// memarg: alignment (log2) and a constant byte offset
const mem = (align: number, offset: number): number[] => [align, ...uleb(offset)];

/** Instruction encodings. */
export const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  else: [0x05],
  end: [0x0b],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  return: [0x0f],
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  tee: (i: number) => [0x22, ...uleb(i)],
  i32: (v: number) => [0x41, ...sleb(v)],
  i32Eqz: [0x45],
  i32LtS: [0x48],
  i32GtS: [0x4a],
  i32GeS: [0x4e],
  i32GeU: [0x4f],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  f64Load: (offset = 0) => [0x2b, ...mem(3, offset)],
  f64Store: (offset = 0) => [0x39, ...mem(3, offset)],
  f64Const0: [0x44, 0, 0, 0, 0, 0, 0, 0, 0],
  f64Add: [0xa0],
  f64Mul: [0xa2],
  f64x2ExtractLane: (lane: number) => [...simd(0x21), lane],
  v128Load: (offset = 0) => [...simd(0x00), ...mem(4, offset)],
  v128Load64Splat: (offset = 0) => [...simd(0x0a), ...mem(3, offset)],
  v128Store: (offset = 0) => [...simd(0x0b), ...mem(4, offset)],
  v128Zero: [...simd(0x0c), ...new Array<number>(16).fill(0)],
  f64x2Add: simd(0xf0),
  f64x2Mul: simd(0xf2),
  /** a·b + c in one rounding where the hardware fuses it (relaxed SIMD). */
  f64x2RelaxedMadd: simd(0x107),
};

/** A function under construction: parameters, then locals allocated by name as the code needs them. */
export class FunctionBuilder {
  readonly code: number[] = [];
  private readonly localTypes: ValType[] = [];
  constructor(
    readonly exportName: string,
    readonly params: readonly ValType[],
  ) {}

  /** A new local of `type`; returns its index. */
  local(type: ValType): number {
    this.localTypes.push(type);
    return this.params.length + this.localTypes.length - 1;
  }

  /** Appends instructions (arrays of bytes). */
  emit(...parts: (number[] | number)[]): void {
    for (const p of parts) {
      if (typeof p === "number") this.code.push(p);
      else for (const b of p) this.code.push(b);
    }
  }

  /** `while (i < end) { body; i += step }` with i32 locals (end and step are locals or constants). */
  forLoop(i: number, end: number[], step: number[], body: () => void): void {
    this.emit(op.block, op.loop, op.get(i), end, op.i32GeS, op.brIf(1));
    body();
    this.emit(op.get(i), step, op.i32Add, op.set(i), op.br(0), op.end, op.end);
  }

  /** `local += amount` for an i32 local. */
  addTo(local: number, amount: number[]): void {
    this.emit(op.get(local), amount, op.i32Add, op.set(local));
  }

  /** The function's body as the code section expects it (locals grouped by type, then the code). */
  body(): number[] {
    const groups: number[][] = [];
    for (const t of this.localTypes) {
      const last = groups[groups.length - 1];
      if (last !== undefined && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    const bytes = [
      ...uleb(groups.length),
      ...groups.flatMap(([n, t]) => [...uleb(n), t]),
      ...this.code,
      0x0b,
    ];
    return [...uleb(bytes.length), ...bytes];
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

/** A module importing `env.memory` and exporting each function (no results; i32/f64 parameters). */
export function moduleBytes(funcs: readonly FunctionBuilder[]): Uint8Array {
  const types = section(1, vec(funcs.map((f) => [0x60, ...vec(f.params.map((t) => [t])), ...vec([])])));
  const imports = section(2, vec([[...name("env"), ...name("memory"), 0x02, 0x00, ...uleb(1)]]));
  const decls = section(3, vec(funcs.map((_, i) => uleb(i))));
  const exports = section(7, vec(funcs.map((f, i) => [...name(f.exportName), 0x00, ...uleb(i)])));
  const code = section(10, vec(funcs.map((f) => f.body())));
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...types,
    ...imports,
    ...decls,
    ...exports,
    ...code,
  ]);
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

/** The runtime's WebAssembly API, or undefined without one. */
export function wasmApi(): WasmApi | undefined {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
}

/** A compiled module, or null when the runtime has no WebAssembly or does not validate the bytes. */
export function compile(bytes: Uint8Array): object | null {
  const api = wasmApi();
  if (api === undefined || !api.validate(bytes)) return null;
  return new api.Module(bytes);
}

/** A compiled module's exports instantiated with a fresh memory, and that memory. */
export function instantiateCompiled(module: object): {
  exports: Record<string, unknown>;
  memory: WasmMemory;
} {
  const api = wasmApi() as WasmApi;
  const memory = new api.Memory({ initial: 1 });
  const instance = new api.Instance(module, { env: { memory } });
  return { exports: instance.exports, memory };
}
