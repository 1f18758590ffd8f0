import { symvRows } from './symmetric-gemv.js';
import type { QuadKernel, QuadLoop } from './symmetric-gemv.js';
import { SYMV_KERNEL_WASM } from './symv-kernel-bytes.js';

/**
 * {@link symvRows} shared between the calling thread and worker threads. The rows are cut into
 * chunks dealt round-robin to {@link SLOTS} fixed slots, each slot with its own partial `y`;
 * the threads claim slots from a shared counter (the caller takes them all when the workers are
 * slow to wake, as on a loaded machine) and the partials are summed in slot order: the answer
 * has the same bits whoever computed which slot, with or without WebAssembly, so a fit gives the same
 * numbers on every machine. Everything lives in one shared WebAssembly memory (a plain
 * SharedArrayBuffer where WebAssembly SIMD is missing or the matrix exceeds 4 GiB), including
 * two blocks of capacity² ({@link SymvPool.blocks}) in which the Householder reduction keeps its
 * trailing blocks, so {@link SymvPool.load} need not copy them (onnxruntime does not accept
 * shared memory, so its products still read and write private copies).
 */
export interface SymvPool {
  /**
   * Makes the m × m row-major matrix `A` (m ≤ the pool's capacity) the one the products read:
   * one of {@link SymvPool.blocks} (from its start) is used in place, anything else has its
   * lower triangle copied into the first block.
   */
  load(A: Float64Array, m: number): void;
  /** Two shared blocks of capacity² values each, row-major, for matrices the products will read. */
  readonly blocks: readonly [Float64Array, Float64Array];
  /** `y[r0..n) = S·x[r0..n)` for `S = A[r0..n, r0..n]` of the loaded matrix (lower triangle read). */
  symv(r0: number, n: number, x: Float64Array, y: Float64Array): void;
  /** Stops the workers. */
  close(): Promise<void>;
}

/** Partial sums, and so the most threads that share one product. */
const SLOTS = 8;
/** Rows per chunk, a multiple of the kernel's 4-row blocks. */
const CHUNK = 16;
// Control words (Int32): wake-up counter, next unclaimed slot, slots done, r0, n, lda, stop, block.
const WAKE = 0;
const CLAIM = 1;
const DONE = 2;
const R0 = 3;
const N = 4;
const LDA = 5;
const STOP = 6;
const BLOCK = 7;

/**
 * Slot `s` of the product: rows of chunks s, s + SLOTS, … counted from the last row (the
 * longest rows first), into `Y[s·cap + r0 .. s·cap + n)`. Self-contained: workers evaluate its
 * source next to the kernel's.
 */
function symvSlot(
  kernel: typeof symvRows,
  loop: QuadLoop | null,
  A: Float64Array,
  lda: number,
  r0: number,
  n: number,
  X: Float64Array,
  Y: Float64Array,
  cap: number,
  s: number,
  slots: number,
  chunk: number,
): void {
  const y = Y.subarray(s * cap, (s + 1) * cap);
  y.fill(0, r0, n);
  for (let i1 = n - s * chunk; i1 > r0; i1 -= slots * chunk) kernel(A, lda, r0, Math.max(r0, i1 - chunk), i1, X, y, loop);
}

/**
 * Source of each worker: sleep until woken, then claim slots by compare-and-swap while any are
 * left. A claimed slot keeps the product from completing, so r0, n and lda read after the claim
 * are those of the product it belongs to, even for a worker that wakes late.
 */
const workerSource = (): string => `
const { workerData } = require('node:worker_threads');
const symvRows = (${symvRows.toString()});
const symvSlot = (${symvSlot.toString()});
const { ctl, buffer, module, memory, cap, index } = workerData;
const blocks = [new Float64Array(buffer, 0, cap * cap), new Float64Array(buffer, 8 * cap * cap, cap * cap)];
const X = new Float64Array(buffer, 16 * cap * cap, cap);
const Y = new Float64Array(buffer, 8 * (2 * cap * cap + cap), ${SLOTS} * cap);
const sums = new Float64Array(buffer, 8 * (2 * cap * cap + cap + ${SLOTS} * cap + 4 * index), 4);
const loop = module ? { quad: new WebAssembly.Instance(module, { env: { memory } }).exports.quad, sums } : null;
let seen = 0;
for (;;) {
  Atomics.wait(ctl, ${WAKE}, seen);
  seen = Atomics.load(ctl, ${WAKE});
  if (Atomics.load(ctl, ${STOP}) === 1) break;
  for (;;) {
    const s = Atomics.load(ctl, ${CLAIM});
    if (s >= ${SLOTS}) break;
    if (Atomics.compareExchange(ctl, ${CLAIM}, s, s + 1) !== s) continue;
    symvSlot(symvRows, loop, blocks[ctl[${BLOCK}]], ctl[${LDA}], ctl[${R0}], ctl[${N}], X, Y, cap, s, ${SLOTS}, ${CHUNK});
    if (Atomics.add(ctl, ${DONE}, 1) + 1 === ${SLOTS}) Atomics.notify(ctl, ${DONE});
  }
}
`;

/**
 * The part of the WebAssembly JS API used here (the workspace compiles without the DOM library,
 * which is where TypeScript declares it).
 */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => { buffer: SharedArrayBuffer };
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

/** The compiled loop, its shared memory and the caller's instance. */
interface QuadModule {
  readonly module: object;
  readonly memory: { buffer: SharedArrayBuffer };
  readonly quad: QuadKernel;
}

/**
 * The WebAssembly loop on a shared memory of at least `bytes`, or undefined where WebAssembly
 * threads or SIMD are missing or the memory would pass 4 GiB (wasm32).
 */
export function quadModule(bytes: number): QuadModule | undefined {
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  const pages = Math.ceil(bytes / 65536);
  if (!wasm || pages > 65536) return undefined;
  try {
    const module = new wasm.Module(Uint8Array.from(atob(SYMV_KERNEL_WASM), (c) => c.charCodeAt(0)));
    const memory = new wasm.Memory({ initial: pages, maximum: pages, shared: true });
    const quad = new wasm.Instance(module, { env: { memory } }).exports['quad'] as QuadKernel;
    return { module, memory, quad };
  } catch {
    return undefined;
  }
}

/**
 * A symmetric matrix-vector product for matrices up to `capacity` × `capacity`, shared with
 * `workers` threads (default: one per core beyond the caller's, at most {@link SLOTS} in all).
 * With no workers (one core, no worker threads or no shared memory) the caller computes every
 * slot and the answer is the same. Close it when done.
 */
export async function createSymvPool(capacity: number, workers?: number): Promise<SymvPool> {
  let Worker: typeof import('node:worker_threads').Worker | undefined;
  try {
    ({ Worker } = await import('node:worker_threads'));
    workers ??= (await import('node:os')).availableParallelism() - 1;
  } catch {
    Worker = undefined;
  }
  // Without shared memory (a browser page that is not cross-origin isolated) the caller works alone.
  const shared = typeof SharedArrayBuffer === 'function';
  const Bytes = shared ? SharedArrayBuffer : ArrayBuffer;
  const count = Worker && shared ? Math.max(0, Math.min(SLOTS - 1, workers ?? 0)) : 0;
  const ctl = new Int32Array(new Bytes(4 * 8));
  // Two blocks (capacity² each), x (capacity), the slots' y (SLOTS·capacity), each thread's four sums.
  const cc = capacity * capacity;
  const bytes = 8 * (2 * cc + capacity + SLOTS * capacity + 4 * SLOTS);
  const wasm = shared ? quadModule(bytes) : undefined;
  const buffer = wasm ? wasm.memory.buffer : new Bytes(bytes);
  const blocks: [Float64Array, Float64Array] = [new Float64Array(buffer, 0, cc), new Float64Array(buffer, 8 * cc, cc)];
  const X = new Float64Array(buffer, 16 * cc, capacity);
  const Y = new Float64Array(buffer, 8 * (2 * cc + capacity), SLOTS * capacity);
  const sums = new Float64Array(buffer, 8 * (2 * cc + capacity + SLOTS * capacity), 4);
  const loop: QuadLoop | null = wasm ? { quad: wasm.quad, sums } : null;
  const threads = Array.from({ length: count }, (_, w) => {
    const workerData = { ctl, buffer, module: wasm?.module, memory: wasm?.memory, cap: capacity, index: w + 1 };
    const worker = new Worker!(workerSource(), { eval: true, workerData });
    worker.unref();
    return worker;
  });
  let lda = 0;
  let A = blocks[0];
  return {
    blocks,
    load(B, m) {
      const inPlace = blocks.findIndex((b) => B.buffer === b.buffer && B.byteOffset === b.byteOffset);
      if (inPlace < 0) {
        // Only the lower triangle (diagonal included) is ever read.
        for (let i = 0; i < m; i++) blocks[0].set(B.subarray(i * m, i * m + i + 1), i * m);
      }
      A = blocks[Math.max(0, inPlace)]!;
      ctl[BLOCK] = Math.max(0, inPlace);
      lda = m;
    },
    symv(r0, n, x, y) {
      X.set(x.subarray(r0, n), r0);
      ctl[R0] = r0;
      ctl[N] = n;
      ctl[LDA] = lda;
      Atomics.store(ctl, DONE, 0);
      Atomics.store(ctl, CLAIM, 0);
      if (count > 0) {
        Atomics.add(ctl, WAKE, 1);
        Atomics.notify(ctl, WAKE);
      }
      for (let s = Atomics.add(ctl, CLAIM, 1); s < SLOTS; s = Atomics.add(ctl, CLAIM, 1)) {
        symvSlot(symvRows, loop, A, lda, r0, n, X, Y, capacity, s, SLOTS, CHUNK);
        Atomics.add(ctl, DONE, 1);
      }
      for (let done = Atomics.load(ctl, DONE); done < SLOTS; done = Atomics.load(ctl, DONE)) Atomics.wait(ctl, DONE, done);
      y.set(Y.subarray(r0, n), r0);
      for (let s = 1; s < SLOTS; s++) {
        const o = s * capacity;
        for (let i = r0; i < n; i++) y[i] = y[i]! + Y[o + i]!;
      }
    },
    async close() {
      Atomics.store(ctl, STOP, 1);
      Atomics.add(ctl, WAKE, 1);
      Atomics.notify(ctl, WAKE);
      await Promise.all(threads.map((w) => w.terminate()));
    },
  };
}
