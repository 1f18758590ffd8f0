import { SCORE_KERNEL_WASM } from './score-kernel-bytes.js';

/**
 * The part of the WebAssembly JS API used here (the workspace compiles without the DOM library,
 * which is where TypeScript declares it).
 */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Memory: new (descriptor: { initial: number; maximum: number }) => { buffer: ArrayBuffer };
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

/**
 * The scoring loops of `score-kernel.wat` (SIMD, two voxels per step) on their own memory, which
 * holds the product block of a batch (the backend writes the products straight into `out`), a
 * copy of the validation responses and the float64 running sums. Arguments are byte offsets
 * into that memory: views of it give theirs as `byteOffset`.
 */
export interface ScoreKernel {
  /** The memory every view below lies in. */
  readonly buffer: ArrayBuffer;
  /** Room for the products of one fold and batch (float32). */
  readonly out: Float32Array;
  /** Room for the validation responses of one fold and batch (float32). */
  readonly y: Float32Array;
  /** Room for the running sums (float64). */
  readonly sums: Float64Array;
  /** dy = y − ky; sy += dy; syy += dy·dy, over `rows` rows of b voxels. */
  ysums(y: number, ky: number, sy: number, syy: number, rows: number, b: number): void;
  /** dp = p − kp; dy = y − ky; sp += dp; spp += dp·dp; spy += dp·dy. */
  psums(p: number, y: number, ky: number, kp: number, sp: number, spp: number, spy: number, rows: number, b: number): void;
  /** acc += (pm − km)·(pq − kq). */
  cross(pm: number, pq: number, km: number, kq: number, acc: number, rows: number, b: number): void;
}

/**
 * A {@link ScoreKernel} with room for `outLength` products, `yLength` responses and
 * `sumsLength` sums, or undefined where WebAssembly or its SIMD is missing, or the memory would
 * pass 4 GiB (wasm32): the scoring then runs its TypeScript loops, with the same bits.
 */
export function scoreKernel(outLength: number, yLength: number, sumsLength: number): ScoreKernel | undefined {
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  // Regions on 16-byte boundaries.
  const yOffset = Math.ceil((4 * outLength) / 16) * 16;
  const sumsOffset = yOffset + Math.ceil((4 * yLength) / 16) * 16;
  const bytes = sumsOffset + 8 * sumsLength;
  const pages = Math.max(1, Math.ceil(bytes / 65536));
  if (!wasm || pages > 65536) return undefined;
  try {
    const module = new wasm.Module(Uint8Array.from(atob(SCORE_KERNEL_WASM), (c) => c.charCodeAt(0)));
    const memory = new wasm.Memory({ initial: pages, maximum: pages });
    const fns = new wasm.Instance(module, { env: { memory } }).exports as unknown as Pick<ScoreKernel, 'ysums' | 'psums' | 'cross'>;
    const buffer = memory.buffer;
    return {
      buffer,
      out: new Float32Array(buffer, 0, outLength),
      y: new Float32Array(buffer, yOffset, yLength),
      sums: new Float64Array(buffer, sumsOffset, sumsLength),
      ysums: fns.ysums,
      psums: fns.psums,
      cross: fns.cross,
    };
  } catch {
    return undefined;
  }
}

/** Float64 sums a batch of b voxels needs with up to `nAlphas` products (3 of the responses, 4 per product, one per pair of series terms). */
export function scoreSumsLength(b: number, nAlphas: number): number {
  return b * (3 + 4 * nAlphas + (nAlphas * (nAlphas - 1)) / 2);
}
