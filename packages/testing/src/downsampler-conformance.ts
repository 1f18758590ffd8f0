import { describe, expect, it } from 'vitest';
import { createRng, matrix } from '@voxelwise/core';
import type { DownsampleInput, Downsampler, Matrix, MatrixData } from '@voxelwise/core';
import { expectVoxelwiseError } from './errors.js';

/** What {@link describeDownsamplerConformance} may expect of a downsampler. */
export interface DownsamplerConformanceOptions {
  /** Output columns per input column (gabor: the number of frequencies; lanczos with rectify: 2). @default 1 */
  columnsPerFeature?: number;
  /**
   * Where the outputs of input column k sit when `columnsPerFeature` is c: `feature-major` puts
   * them at `k·c + l` (gabor), `blocks` at `l·nFeatures + k` (lanczos rectify). @default 'feature-major'
   */
  columnLayout?: 'feature-major' | 'blocks';
  /**
   * A constant feature comes out as the same constant at TRs well inside the words (means,
   * last word, renormalised kernels). @default false
   */
  normalised?: boolean;
  /** `f(c·x) = c·f(x)` for c > 0: true of linear methods, of magnitudes and of picking rows. @default true */
  positivelyHomogeneous?: boolean;
  /** The output has the element type of the input (float32 in, float32 out). @default false */
  preservesDType?: boolean;
  /** Split indices to pass with every test story, for methods that need them. */
  splitIndices?: (nWords: number, nTRs: number, dataTimes: Float64Array, trTimes: Float64Array) => ArrayLike<number>;
  /** Relative tolerance of the comparisons between float64 computations. @default 1e-9 */
  tolerance?: number;
}

function features(rows: number, cols: number, seed: number, dtype: 'float32' | 'float64' = 'float64'): Matrix {
  const rng = createRng(seed);
  const data = dtype === 'float32' ? new Float32Array(rows * cols) : new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal() * (1 + (i % cols));
  return matrix(rows, cols, data);
}

/** 90 words at random times over 60 s, a TR grid of 2 s centred on odd seconds (30 TRs). */
function story(
  seed: number,
  cols = 5,
  dtype: 'float32' | 'float64' = 'float64',
  opts: DownsamplerConformanceOptions = {},
): DownsampleInput {
  const rng = createRng(seed + 1);
  const n = 90;
  const dataTimes = new Float64Array(n);
  for (let j = 0; j < n; j++) dataTimes[j] = rng.next() * 60;
  dataTimes.sort();
  const trTimes = new Float64Array(30).map((_, i) => 1 + 2 * i);
  const data = features(n, cols, seed, dtype);
  const splitIndices = opts.splitIndices?.(n, trTimes.length, dataTimes, trTimes);
  return splitIndices === undefined ? { data, dataTimes, trTimes } : { data, dataTimes, trTimes, splitIndices };
}

function copyInput(input: DownsampleInput): DownsampleInput {
  const data = matrix(input.data.rows, input.data.cols, input.data.data.slice());
  const base = { data, dataTimes: input.dataTimes.slice(), trTimes: input.trTimes.slice() };
  return input.splitIndices === undefined ? base : { ...base, splitIndices: Array.from(input.splitIndices) };
}

function scale(m: Matrix): number {
  let s = 0;
  for (const v of m.data) s = Math.max(s, Math.abs(v));
  return s;
}

function expectClose(actual: Matrix, expected: Matrix, rel: number, what: string): void {
  expect([actual.rows, actual.cols], `${what}: shape`).toEqual([expected.rows, expected.cols]);
  const tol = rel * Math.max(scale(expected), Number.MIN_VALUE);
  for (let k = 0; k < expected.data.length; k++) {
    const diff = Math.abs(actual.data[k]! - expected.data[k]!);
    if (!(diff <= tol)) {
      const row = Math.floor(k / expected.cols);
      expect.fail(
        `${what}: element (${row}, ${k - row * expected.cols}) is ${actual.data[k]}, expected ${expected.data[k]} (tolerance ${tol})`,
      );
    }
  }
}

function scaled<T extends MatrixData>(m: Matrix<T>, c: number): Matrix<T> {
  const out = m.data.slice() as T;
  for (let k = 0; k < out.length; k++) out[k] = out[k]! * c;
  return matrix(m.rows, m.cols, out);
}

function column(m: Matrix, k: number): Matrix<Float64Array> {
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) out[i] = m.data[i * m.cols + k]!;
  return matrix(m.rows, 1, out);
}

/**
 * Registers a vitest suite that every downsampler plugin (built-in or a user's) should pass:
 * shape (one row per TR time), finite output, no mutation of inputs, determinism without hidden
 * state, float32/float64 agreement, column independence, positive homogeneity, a constant signal
 * staying constant for normalised methods, and the coded validation errors of the house
 * (`E_SHAPE_MISMATCH`, `E_NOT_FINITE` naming row and column, `E_DATA_INVALID`).
 *
 * @example
 * describeDownsamplerConformance('lanczos', () => registry.create('downsampler', { name: 'lanczos', options: { window: 3, cutoffMult: 1 } }, ctx));
 */
export function describeDownsamplerConformance(
  name: string,
  factory: () => Downsampler | Promise<Downsampler>,
  options: DownsamplerConformanceOptions = {},
): void {
  const perFeature = options.columnsPerFeature ?? 1;
  const rel = options.tolerance ?? 1e-9;

  describe(`downsampler conformance: ${name}`, () => {
    it('has an id', async () => {
      const ds = await factory();
      expect(typeof ds.id).toBe('string');
      expect(ds.id.length).toBeGreaterThan(0);
    });

    it('returns one row per TR time and the expected columns, all finite', async () => {
      const ds = await factory();
      const input = story(1, 5, 'float64', options);
      const out = ds.downsample(input);
      expect(out.rows).toBe(input.trTimes.length);
      expect(out.cols).toBe(5 * perFeature);
      expect(out.data.length).toBe(out.rows * out.cols);
      expect(out.data instanceof Float64Array || out.data instanceof Float32Array).toBe(true);
      for (const v of out.data) expect(Number.isFinite(v)).toBe(true);
      expect(scale(out)).toBeGreaterThan(0);
    });

    it('does not modify its inputs', async () => {
      const ds = await factory();
      const input = story(2, 4, 'float64', options);
      const before = copyInput(input);
      ds.downsample(input);
      expect(Array.from(input.data.data)).toEqual(Array.from(before.data.data));
      expect(Array.from(input.dataTimes)).toEqual(Array.from(before.dataTimes));
      expect(Array.from(input.trTimes)).toEqual(Array.from(before.trTimes));
      if (input.splitIndices) expect(Array.from(input.splitIndices)).toEqual(Array.from(before.splitIndices!));
    });

    it('is deterministic and keeps no state between calls', async () => {
      const ds = await factory();
      const a = story(3, 3, 'float64', options);
      const b = story(4, 3, 'float64', options);
      const first = ds.downsample(a);
      ds.downsample(b);
      const again = ds.downsample(a);
      expect(Array.from(again.data)).toEqual(Array.from(first.data));
    });

    it('gives the same numbers for float32 and float64 features', async () => {
      const ds = await factory();
      const f64 = story(5, 3, 'float64', options);
      const data32 = matrix(f64.data.rows, f64.data.cols, Float32Array.from(f64.data.data));
      const data64 = matrix(f64.data.rows, f64.data.cols, Float64Array.from(data32.data));
      const out32 = ds.downsample({ ...f64, data: data32 });
      const out64 = ds.downsample({ ...f64, data: data64 });
      if (options.preservesDType) {
        expect(out32.data).toBeInstanceOf(Float32Array);
        expect(out64.data).toBeInstanceOf(Float64Array);
      }
      expectClose(out32, out64, 1e-5, 'float32 against float64');
    });

    it('treats feature columns independently', async () => {
      const ds = await factory();
      const input = story(6, 3, 'float64', options);
      const all = ds.downsample(input);
      for (let k = 0; k < 3; k++) {
        const one = ds.downsample({ ...input, data: column(input.data, k) });
        for (let l = 0; l < perFeature; l++) {
          const at = (options.columnLayout ?? 'feature-major') === 'feature-major' ? k * perFeature + l : l * 3 + k;
          expectClose(column(all, at), column(one, l), rel, `output column ${at} (feature ${k})`);
        }
      }
    });

    if (options.positivelyHomogeneous ?? true) {
      it('scales with the features: f(c·x) = c·f(x) for c > 0', async () => {
        const ds = await factory();
        const input = story(7, 3, 'float64', options);
        const base = ds.downsample(input);
        const out = ds.downsample({ ...input, data: scaled(input.data, 2.5) });
        expectClose(out, scaled(base, 2.5), rel, 'scaled features');
      });
    }

    if (options.normalised) {
      it('keeps a constant signal constant inside the story', async () => {
        const ds = await factory();
        const n = 150;
        const dataTimes = new Float64Array(n).map((_, j) => 0.2 + 0.4 * j);
        const trTimes = new Float64Array(30).map((_, i) => 1 + 2 * i);
        const data = matrix(
          n,
          2,
          new Float64Array(2 * n).map((_, k) => (k % 2 === 0 ? 1.7 : -0.25)),
        );
        const splitIndices = options.splitIndices?.(n, trTimes.length, dataTimes, trTimes);
        const out = ds.downsample(splitIndices === undefined ? { data, dataTimes, trTimes } : { data, dataTimes, trTimes, splitIndices });
        for (let i = 5; i < 25; i++) {
          expect(out.data[i * out.cols]).toBeCloseTo(1.7, 9);
          expect(out.data[i * out.cols + perFeature]).toBeCloseTo(-0.25, 9);
        }
      });
    }

    it('rejects data times that do not match the rows (E_SHAPE_MISMATCH)', async () => {
      const ds = await factory();
      const input = story(8, 2, 'float64', options);
      await expectVoxelwiseError(() => ds.downsample({ ...input, dataTimes: input.dataTimes.subarray(1) }), 'E_SHAPE_MISMATCH');
    });

    it('rejects NaN and Infinity in the features, naming the row and column (E_NOT_FINITE)', async () => {
      const ds = await factory();
      for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
        const input = story(9, 4, 'float64', options);
        input.data.data[3 * 4 + 1] = bad;
        await expectVoxelwiseError(() => ds.downsample(input), 'E_NOT_FINITE', /row 3\b/, /column 1\b/);
      }
    });

    it('rejects TR times that do not increase (E_DATA_INVALID)', async () => {
      const ds = await factory();
      const input = story(10, 2, 'float64', options);
      const trTimes = input.trTimes.slice();
      trTimes[7] = trTimes[6]!;
      await expectVoxelwiseError(() => ds.downsample({ ...input, trTimes }), 'E_DATA_INVALID', /increas/);
    });

    it('rejects empty input (E_DATA_INVALID)', async () => {
      const ds = await factory();
      const input = story(11, 2, 'float64', options);
      await expectVoxelwiseError(
        () => ds.downsample({ data: matrix(0, 2, new Float64Array(0)), dataTimes: new Float64Array(0), trTimes: input.trTimes }),
        'E_DATA_INVALID',
      );
      await expectVoxelwiseError(() => ds.downsample({ ...input, trTimes: new Float64Array(0) }), 'E_DATA_INVALID');
    });
  });
}
