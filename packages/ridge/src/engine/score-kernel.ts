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
 * The loops of `score-kernel.wat` (SIMD) on their own memory, which holds the product block of a
 * batch (the backend writes the products straight into `out`), a copy of the validation
 * responses, the float64 running sums of the scoring and `blocks`, float32 blocks for the
 * batch's cross-products (the backend writes them there too) so their sums and differences run
 * in {@link ScoreKernel.add} and {@link ScoreKernel.sub}. Arguments are byte offsets into that
 * memory: views of it give theirs as `byteOffset`.
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
  /** Float32 blocks of equal length (the batch's cross-products, XᵀY and its differences). */
  readonly blocks: readonly Float32Array[];
  /** dy = y − ky; sy += dy; syy += dy·dy, over `rows` rows of b voxels. */
  ysums(y: number, ky: number, sy: number, syy: number, rows: number, b: number): void;
  /** dp = p − kp; dy = y − ky; sp += dp; spp += dp·dp; spy += dp·dy. */
  psums(p: number, y: number, ky: number, kp: number, sp: number, spp: number, spy: number, rows: number, b: number): void;
  /** acc += (pm − km)·(pq − kq). */
  cross(pm: number, pq: number, km: number, kq: number, acc: number, rows: number, b: number): void;
  /** acc[k] = acc[k] + x[k] for n float32 elements. */
  add(acc: number, x: number, n: number): void;
  /** out[k] = a[k] − b[k] for n float32 elements. */
  sub(out: number, a: number, b: number, n: number): void;
}

/**
 * A {@link ScoreKernel} with room for `outLength` products, `yLength` responses, `sumsLength`
 * sums and `blocks` float32 blocks of `blockLength`, or undefined where WebAssembly or its SIMD
 * is missing, or the memory would pass 4 GiB (wasm32): the batch then runs its TypeScript
 * loops, with the same bits.
 */
export function scoreKernel(outLength: number, yLength: number, sumsLength: number, blocks = 0, blockLength = 0): ScoreKernel | undefined {
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  // Regions on 16-byte boundaries.
  const round = (bytes: number) => Math.ceil(bytes / 16) * 16;
  const yOffset = round(4 * outLength);
  const sumsOffset = yOffset + round(4 * yLength);
  const blocksOffset = sumsOffset + round(8 * sumsLength);
  const bytes = blocksOffset + blocks * round(4 * blockLength);
  const pages = Math.max(1, Math.ceil(bytes / 65536));
  if (!wasm || pages > 65536) return undefined;
  try {
    const module = new wasm.Module(Uint8Array.from(atob(SCORE_KERNEL_WASM), (c) => c.charCodeAt(0)));
    const memory = new wasm.Memory({ initial: pages, maximum: pages });
    const fns = new wasm.Instance(module, { env: { memory } }).exports as unknown as Pick<
      ScoreKernel,
      'ysums' | 'psums' | 'cross' | 'add' | 'sub'
    >;
    const buffer = memory.buffer;
    return {
      buffer,
      out: new Float32Array(buffer, 0, outLength),
      y: new Float32Array(buffer, yOffset, yLength),
      sums: new Float64Array(buffer, sumsOffset, sumsLength),
      blocks: Array.from({ length: blocks }, (_, i) => new Float32Array(buffer, blocksOffset + i * round(4 * blockLength), blockLength)),
      ysums: fns.ysums,
      psums: fns.psums,
      cross: fns.cross,
      add: fns.add,
      sub: fns.sub,
    };
  } catch {
    return undefined;
  }
}

/** Float64 sums a batch of b voxels needs with up to `nAlphas` products (3 of the responses, 4 per product, one per pair of series terms). */
export function scoreSumsLength(b: number, nAlphas: number): number {
  return b * (3 + 4 * nAlphas + (nAlphas * (nAlphas - 1)) / 2);
}
