import { BANDED_KERNEL_SHARED_WASM, BANDED_KERNEL_WASM } from './banded-kernel-bytes.js';

/** How a loaded block of source rows is stored: float32 is only used by the SIMD kernel. */
export type BlockLayout = 'float32' | 'float64';

/**
 * The inner loop of the banded product over one float64 arena (see {@link PairKernel.reserve}):
 * source rows, weights and accumulators all live there, addressed by element index.
 */
export interface PairKernel {
  /** `simd`: WebAssembly SIMD (banded-kernel.wat); `scalar`: the same loop in TypeScript. */
  readonly kind: 'simd' | 'scalar';
  /**
   * Grows the arena to at least `length` float64 values and returns a view of it. The view of an
   * earlier call is invalid after a call that grows it.
   */
  reserve(length: number): Float64Array;
  /**
   * Copies columns `[c0, c0 + width)` of the source rows `order[from] … order[until − 1]` of `x`
   * (`stride` per row) to rows `from … until − 1` of the block at element `to`; with `rectify`
   * each row becomes `[min(x, 0) | max(x, 0)]`, 2·width long (np.clip). The block has room for
   * float64 rows. Returns how the block is stored, or undefined when a copied value is NaN or
   * ±Infinity.
   */
  load(
    x: Float32Array | Float64Array,
    stride: number,
    order: Int32Array,
    c0: number,
    width: number,
    rectify: boolean,
    to: number,
    from: number,
    until: number,
  ): BlockLayout | undefined;
  /**
   * `a0 = Σ_p w[p]·row_p` and `a1 = Σ_p w[span + p]·row_p` over the `span` rows of `width`
   * starting at row `row` of the block at element `block` (stored as `layout`), four rows at a
   * time in that order. `w`, `a0`, `a1` are element indices of the arena.
   */
  pair(block: number, layout: BlockLayout, row: number, width: number, span: number, w: number, a0: number, a1: number): void;
  /**
   * Rounds the `count` float64 at element `from` of the arena to float32 (to nearest even, as a
   * Float32Array store does), written from float32 element `2·to` of {@link PairKernel.floats}.
   */
  demote(from: number, to: number, count: number): void;
  /** The arena as float32 values; invalid after a call that grows it. */
  floats(): Float32Array;
}

/**
 * The scalar kernel: the WebAssembly one's arithmetic, operation for operation (no fused
 * multiply-add), so both give the same bits. Groups of four rows whose eight weights are all 0
 * are skipped; where one TR's four are, only the other TR's sums are updated.
 */
function pairKernelJs(m: Float64Array, x: number, stride: number, width: number, span: number, w: number, a0: number, a1: number): void {
  m.fill(0, a0, a0 + width);
  m.fill(0, a1, a1 + width);
  const w1 = w + span;
  let p = 0;
  for (; p + 3 < span; p += 4) {
    const w00 = m[w + p]!;
    const w01 = m[w + p + 1]!;
    const w02 = m[w + p + 2]!;
    const w03 = m[w + p + 3]!;
    const w10 = m[w1 + p]!;
    const w11 = m[w1 + p + 1]!;
    const w12 = m[w1 + p + 2]!;
    const w13 = m[w1 + p + 3]!;
    const z0 = w00 === 0 && w01 === 0 && w02 === 0 && w03 === 0;
    const z1 = w10 === 0 && w11 === 0 && w12 === 0 && w13 === 0;
    if (z0 && z1) continue;
    const b0 = x + p * stride;
    const b1 = b0 + stride;
    const b2 = b1 + stride;
    const b3 = b2 + stride;
    if (z0 || z1) {
      // One TR alone (adding 0 would leave its sums as they are: they start at +0, never −0).
      const acc = z0 ? a1 : a0;
      const [v0, v1, v2, v3] = z0 ? [w10, w11, w12, w13] : [w00, w01, w02, w03];
      for (let k = 0; k < width; k++) {
        m[acc + k] = m[acc + k]! + (v0 * m[b0 + k]! + v1 * m[b1 + k]! + v2 * m[b2 + k]! + v3 * m[b3 + k]!);
      }
      continue;
    }
    for (let k = 0; k < width; k++) {
      const x0 = m[b0 + k]!;
      const x1 = m[b1 + k]!;
      const x2 = m[b2 + k]!;
      const x3 = m[b3 + k]!;
      m[a0 + k] = m[a0 + k]! + (w00 * x0 + w01 * x1 + w02 * x2 + w03 * x3);
      m[a1 + k] = m[a1 + k]! + (w10 * x0 + w11 * x1 + w12 * x2 + w13 * x3);
    }
  }
  for (; p < span; p++) {
    const w0 = m[w + p]!;
    const v1 = m[w1 + p]!;
    if (w0 === 0 && v1 === 0) continue;
    const b0 = x + p * stride;
    for (let k = 0; k < width; k++) {
      const x0 = m[b0 + k]!;
      m[a0 + k] = m[a0 + k]! + w0 * x0;
      m[a1 + k] = m[a1 + k]! + v1 * x0;
    }
  }
}

/**
 * The scalar {@link PairKernel.load}: float64 rows (of 2·width with `rectify`, negative part
 * first, `x < 0 ? x : 0` and `x > 0 ? x : 0`) written into `m`.
 */
function copyRows(
  x: Float32Array | Float64Array,
  stride: number,
  order: Int32Array,
  c0: number,
  width: number,
  rectify: boolean,
  m: Float64Array,
  to: number,
  from: number,
  until: number,
): BlockLayout | undefined {
  const rw = rectify ? 2 * width : width;
  // x − x is 0 for every finite x and NaN for NaN and ±Infinity.
  let bad = 0;
  for (let p = from; p < until; p++) {
    const src = order[p]! * stride + c0;
    const dst = to + p * rw;
    for (let k = 0; k < width; k++) {
      const v = x[src + k]!;
      bad += v - v;
      if (rectify) {
        m[dst + k] = v < 0 ? v : 0;
        m[dst + width + k] = v > 0 ? v : 0;
      } else m[dst + k] = v;
    }
  }
  return bad === 0 ? 'float64' : undefined;
}

function scalarKernel(): PairKernel {
  let arena = new Float64Array(0);
  let arena32 = new Float32Array(0);
  return {
    kind: 'scalar',
    reserve(length) {
      if (arena.length < length) arena = new Float64Array(length);
      return arena;
    },
    load: (x, stride, order, c0, width, rectify, to, from, until) => copyRows(x, stride, order, c0, width, rectify, arena, to, from, until),
    pair: (block, _layout, row, width, span, w, a0, a1) => pairKernelJs(arena, block + row * width, width, width, span, w, a0, a1),
    demote(from, to, count) {
      const out = this.floats();
      for (let k = 0; k < count; k++) out[2 * to + k] = arena[from + k]!;
    },
    floats() {
      if (arena32.buffer !== arena.buffer) arena32 = new Float32Array(arena.buffer);
      return arena32;
    },
  };
}

const PAGE = 65536;

/** Pages of the shared kernel memory at most (2 GiB; the shared module declares this maximum). */
export const SHARED_MAX_PAGES = 32768;

/** A WebAssembly memory: its own (not shared) or a shared one made by {@link sharedMemory}. */
interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}

/**
 * The part of the WebAssembly JS API used here (the workspace compiles without the DOM library,
 * which is where TypeScript declares it).
 */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}
interface KernelExports {
  memory?: WasmMemory;
  pair64(x: number, stride: number, width: number, span: number, w: number, a0: number, a1: number): void;
  pair32(x: number, stride: number, width: number, span: number, w: number, a0: number, a1: number): void;
  finite64(ptr: number, count: number): number;
  finite32(ptr: number, count: number): number;
  signs32(src: number, dst: number, rows: number, width: number): void;
  demote(src: number, dst: number, count: number): void;
  unit(job: number, q: number, acc: number): void;
}

/**
 * The SIMD kernel on a shared WebAssembly memory, which a worker thread instantiates too
 * (banded-team.ts): the same arithmetic as the one-thread kernel, plus `unit`.
 */
export interface SharedKernel extends PairKernel {
  readonly kind: 'simd';
  readonly memory: WasmMemory;
  /** The shared module's bytes, for the worker to instantiate on {@link SharedKernel.memory}. */
  readonly bytes: Uint8Array;
  /**
   * Every weight set of TR pair `q` of the job described at byte `job` (banded-kernel.wat
   * `unit`): the same pair kernel calls the caller makes without a worker. With `acc` ≠ 0 the
   * float64 sums go to the two rows at byte `acc` and only their float32 rounding is kept.
   */
  unit(job: number, q: number, acc: number): void;
  /** The memory as int32 values (job descriptors, tables, flags); invalid after it grows. */
  ints(): Int32Array;
}

/**
 * Copies `width` elements of each row `order[p]` of `src` (`stride` per row, from column `c0`),
 * p in `[from, until)`, to row p of the rows of `width` at element `to` of `dst`, one `set` per
 * run of consecutive source rows.
 */
function gather<T extends Float64Array | Uint8Array>(
  src: T,
  dst: T,
  stride: number,
  order: Int32Array,
  c0: number,
  width: number,
  to: number,
  from: number,
  until: number,
): void {
  for (let p = from; p < until;) {
    let q = p + 1;
    // Whole rows of consecutive source rows are one contiguous run.
    if (width === stride) while (q < until && order[q] === order[q - 1]! + 1) q++;
    const start = order[p]! * stride + c0;
    dst.set(src.subarray(start, start + (q - p - 1) * stride + width) as T, to + p * width);
    p = q;
  }
}

const wasmApi = (): WasmApi | undefined => (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
const decode = (base64: string): Uint8Array => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));

function simdKernel(): PairKernel | undefined {
  const wasm = wasmApi();
  if (!wasm) return undefined;
  // A runtime without SIMD (or with WebAssembly compilation forbidden) takes the scalar kernel.
  try {
    const exports = new wasm.Instance(new wasm.Module(decode(BANDED_KERNEL_WASM)), {}).exports as KernelExports;
    return simdOn(exports, exports.memory!);
  } catch {
    return undefined;
  }
}

/**
 * The SIMD kernel on a new shared memory, or undefined where shared WebAssembly memory (or
 * SharedArrayBuffer) is missing. Not cached: banded-team.ts keeps the one it made.
 */
export function sharedKernel(): SharedKernel | undefined {
  const wasm = wasmApi();
  if (!wasm || typeof SharedArrayBuffer === 'undefined') return undefined;
  try {
    const bytes = decode(BANDED_KERNEL_SHARED_WASM);
    const memory = new wasm.Memory({ initial: 1, maximum: SHARED_MAX_PAGES, shared: true });
    if (!(memory.buffer instanceof SharedArrayBuffer)) return undefined;
    const exports = new wasm.Instance(new wasm.Module(bytes), { env: { memory } }).exports as KernelExports;
    let ints: Int32Array = new Int32Array(memory.buffer);
    return {
      ...simdOn(exports, memory),
      kind: 'simd',
      memory,
      bytes,
      unit: (job, q, acc) => exports.unit(job, q, acc),
      ints() {
        if (ints.buffer !== memory.buffer) ints = new Int32Array(memory.buffer);
        return ints;
      },
    };
  } catch {
    return undefined;
  }
}

function simdOn(exports: KernelExports, memory: WasmMemory): PairKernel {
  let view = new Float64Array(memory.buffer);
  let view32 = new Float32Array(memory.buffer);
  return {
    kind: 'simd',
    reserve(length) {
      const bytes = length * 8;
      if (memory.buffer.byteLength < bytes) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE));
      if (view.buffer !== memory.buffer || view.length < length) view = new Float64Array(memory.buffer);
      return view;
    },
    load(x, stride, order, c0, width, rectify, to, from, until) {
      const count = (until - from) * width;
      if (x instanceof Float64Array) {
        if (rectify) return copyRows(x, stride, order, c0, width, true, view, to, from, until);
        gather(x, view, stride, order, c0, width, to, from, until);
        return exports.finite64(8 * (to + from * width), count) === 1 ? 'float64' : undefined;
      }
      // Float32 rows go in as bytes; pair32 widens them as it reads them.
      const bytes = new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
      const heap = new Uint8Array(memory.buffer);
      if (!rectify) {
        gather(bytes, heap, 4 * stride, order, 4 * c0, 4 * width, 8 * to, from, until);
        return exports.finite32(8 * to + 4 * from * width, count) === 1 ? 'float32' : undefined;
      }
      // The raw rows are staged after the block's float32 rows of 2·width (the block has room
      // for float64 rows of 2·width), then split into their two parts.
      const staged = 8 * to + 8 * width * order.length;
      gather(bytes, heap, 4 * stride, order, 4 * c0, 4 * width, staged, from, until);
      if (exports.finite32(staged + 4 * from * width, count) !== 1) return undefined;
      exports.signs32(staged + 4 * from * width, 8 * to + 8 * from * width, until - from, width);
      return 'float32';
    },
    pair(block, layout, row, width, span, w, a0, a1) {
      if (layout === 'float32') exports.pair32(8 * block + 4 * row * width, width, width, span, 8 * w, 8 * a0, 8 * a1);
      else exports.pair64(8 * block + 8 * row * width, width, width, span, 8 * w, 8 * a0, 8 * a1);
    },
    demote: (from, to, count) => exports.demote(8 * from, 8 * to, count),
    floats() {
      if (view32.buffer !== memory.buffer) view32 = new Float32Array(memory.buffer);
      return view32;
    },
  };
}

let simd: PairKernel | null | undefined; // undefined: not tried yet; null: not available
let scalar: PairKernel | undefined;
let scalarOnly = false;

/**
 * The kernel the banded product runs: WebAssembly SIMD where the runtime has it (Node ≥ 16, every
 * current browser), else the scalar one. Its memory is kept between calls (it grows to the
 * largest product run so far, bounded by banded.ts BLOCK_BYTES plus the weights).
 */
export function pairKernel(): PairKernel {
  if (!scalarOnly) {
    if (simd === undefined) simd = simdKernel() ?? null;
    if (simd) return simd;
  }
  return (scalar ??= scalarKernel());
}

/**
 * Runs the scalar kernel even where SIMD is available — for the tests that compare both kernels
 * and for the benchmark; not part of the public API.
 */
export function useScalarKernel(on: boolean): void {
  scalarOnly = on;
}
