import { voxelwiseError } from './errors.js';

/** Element storage of a {@link Matrix}. */
export type MatrixData = Float32Array | Float64Array;

/** Element type name of a {@link Matrix}. */
export type DType = 'float32' | 'float64';

/**
 * A dense row-major matrix: element (i, j) is `data[i * cols + j]`.
 * Float32 for bulk data (features, responses), Float64 where precision demands.
 */
export interface Matrix<T extends MatrixData = MatrixData> {
  readonly rows: number;
  readonly cols: number;
  readonly data: T;
}

/** Wraps `data` as a rows × cols matrix after checking its length. */
export function matrix<T extends MatrixData>(rows: number, cols: number, data: T): Matrix<T> {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw voxelwiseError({
      code: 'E_SHAPE_MISMATCH',
      where: 'core:matrix',
      message: 'matrix dimensions must be non-negative integers',
      got: [rows, cols],
    });
  }
  if (data.length !== rows * cols) {
    throw voxelwiseError({
      code: 'E_SHAPE_MISMATCH',
      where: 'core:matrix',
      message: `data length does not match ${rows} × ${cols}`,
      got: data.length,
      expected: rows * cols,
    });
  }
  return { rows, cols, data };
}

/** A new zero matrix. */
export function zeros(rows: number, cols: number, dtype: 'float32'): Matrix<Float32Array>;
export function zeros(rows: number, cols: number, dtype: 'float64'): Matrix<Float64Array>;
export function zeros(rows: number, cols: number, dtype?: DType): Matrix;
export function zeros(rows: number, cols: number, dtype: DType = 'float64'): Matrix {
  const n = rows * cols;
  return matrix(rows, cols, dtype === 'float32' ? new Float32Array(n) : new Float64Array(n));
}

/** Builds a matrix from nested arrays (rows of equal length). */
export function fromRows(rows: ArrayLike<ArrayLike<number>>, dtype: DType = 'float64'): Matrix {
  const r = rows.length;
  const c = r === 0 ? 0 : rows[0]!.length;
  const out = zeros(r, c, dtype);
  for (let i = 0; i < r; i++) {
    const row = rows[i]!;
    if (row.length !== c) {
      throw voxelwiseError({
        code: 'E_SHAPE_MISMATCH',
        where: 'core:fromRows',
        message: `row ${i} has a different length`,
        got: row.length,
        expected: c,
      });
    }
    for (let j = 0; j < c; j++) out.data[i * c + j] = row[j]!;
  }
  return out;
}

/** Nested arrays of a matrix (for JSON and tests). */
export function toRows(m: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  return out;
}

/** Element type name of a matrix. */
export function dtypeOf(m: Matrix): DType {
  return m.data instanceof Float32Array ? 'float32' : 'float64';
}

/** Row `i` as a view (no copy). */
export function rowView<T extends MatrixData>(m: Matrix<T>, i: number): T {
  return m.data.subarray(i * m.cols, (i + 1) * m.cols) as T;
}

/** Rows `[start, end)` as a view (no copy): row-major storage makes row ranges contiguous. */
export function sliceRows<T extends MatrixData>(m: Matrix<T>, start: number, end: number = m.rows): Matrix<T> {
  const s = Math.max(0, Math.min(m.rows, start < 0 ? m.rows + start : start));
  const e = Math.max(s, Math.min(m.rows, end < 0 ? m.rows + end : end));
  return { rows: e - s, cols: m.cols, data: m.data.subarray(s * m.cols, e * m.cols) as T };
}

/** Columns `[start, end)` as a copy. */
export function sliceCols<T extends MatrixData>(m: Matrix<T>, start: number, end: number = m.cols): Matrix<T> {
  const w = end - start;
  const Ctor = m.data.constructor as new (n: number) => T;
  const out = new Ctor(m.rows * w);
  for (let i = 0; i < m.rows; i++) out.set(m.data.subarray(i * m.cols + start, i * m.cols + end), i * w);
  return { rows: m.rows, cols: w, data: out };
}

/** Converts a matrix to the given element type (returns the input when it already has it). */
export function asDType(m: Matrix, dtype: 'float32'): Matrix<Float32Array>;
export function asDType(m: Matrix, dtype: 'float64'): Matrix<Float64Array>;
export function asDType(m: Matrix, dtype: DType): Matrix;
export function asDType(m: Matrix, dtype: DType): Matrix {
  if (dtypeOf(m) === dtype) return m;
  return { rows: m.rows, cols: m.cols, data: dtype === 'float32' ? Float32Array.from(m.data) : Float64Array.from(m.data) };
}

/** Stacks matrices vertically (same column count). */
export function vstack(parts: readonly Matrix[], dtype?: DType): Matrix {
  if (parts.length === 0) return zeros(0, 0, dtype ?? 'float64');
  const cols = parts[0]!.cols;
  const kind = dtype ?? dtypeOf(parts[0]!);
  let rows = 0;
  for (const [i, p] of parts.entries()) {
    if (p.cols !== cols) {
      throw voxelwiseError({
        code: 'E_SHAPE_MISMATCH',
        where: 'core:vstack',
        message: `part ${i} has a different column count`,
        got: p.cols,
        expected: cols,
      });
    }
    rows += p.rows;
  }
  const out = zeros(rows, cols, kind);
  let offset = 0;
  for (const p of parts) {
    out.data.set(p.data, offset);
    offset += p.data.length;
  }
  return out;
}

/** Concatenates matrices horizontally (same row count). */
export function hstack(parts: readonly Matrix[], dtype?: DType): Matrix {
  if (parts.length === 0) return zeros(0, 0, dtype ?? 'float64');
  const rows = parts[0]!.rows;
  const kind = dtype ?? dtypeOf(parts[0]!);
  let cols = 0;
  for (const [i, p] of parts.entries()) {
    if (p.rows !== rows) {
      throw voxelwiseError({
        code: 'E_SHAPE_MISMATCH',
        where: 'core:hstack',
        message: `part ${i} has a different row count`,
        got: p.rows,
        expected: rows,
      });
    }
    cols += p.cols;
  }
  const out = zeros(rows, cols, kind);
  let c0 = 0;
  for (const p of parts) {
    for (let i = 0; i < rows; i++) out.data.set(p.data.subarray(i * p.cols, (i + 1) * p.cols), i * cols + c0);
    c0 += p.cols;
  }
  return out;
}

/** Transposed copy. */
export function transpose<T extends MatrixData>(m: Matrix<T>): Matrix<T> {
  const Ctor = m.data.constructor as new (n: number) => T;
  const out = new Ctor(m.rows * m.cols);
  const { rows, cols, data } = m;
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = data[i * cols + j]!;
  return { rows: cols, cols: rows, data: out };
}

/** Checks the shape of a matrix, throwing `E_SHAPE_MISMATCH` naming `what`. */
export function assertShape(m: Matrix, shape: { rows?: number; cols?: number }, what: string, where = 'core:assertShape'): void {
  if (shape.rows !== undefined && m.rows !== shape.rows) {
    throw voxelwiseError({
      code: 'E_SHAPE_MISMATCH',
      where,
      message: `${what} has the wrong number of rows`,
      got: m.rows,
      expected: shape.rows,
    });
  }
  if (shape.cols !== undefined && m.cols !== shape.cols) {
    throw voxelwiseError({
      code: 'E_SHAPE_MISMATCH',
      where,
      message: `${what} has the wrong number of columns`,
      got: m.cols,
      expected: shape.cols,
    });
  }
}

/** Finds the first NaN/Inf and throws `E_NOT_FINITE` naming its row and column. */
export function assertFinite(m: Matrix, what: string, where = 'core:assertFinite'): void {
  const { data, cols } = m;
  for (let k = 0; k < data.length; k++) {
    if (!Number.isFinite(data[k]!)) {
      const row = Math.floor(k / cols);
      const col = k - row * cols;
      throw voxelwiseError({
        code: 'E_NOT_FINITE',
        where,
        message: `${what} contains ${data[k]} at row ${row}, column ${col}`,
        details: { row, col },
        hint: 'Remove or replace non-finite values before this stage.',
      });
    }
  }
}

/** The minimal ml-matrix surface voxelwise converts to and from (structural, so core stays light). */
export interface MlMatrixLike {
  readonly rows: number;
  readonly columns: number;
  get(row: number, column: number): number;
}

/** Converts an ml-matrix `Matrix` (or anything with rows/columns/get) into a float64 {@link Matrix}. */
export function fromMlMatrix(m: MlMatrixLike): Matrix<Float64Array> {
  const out = zeros(m.rows, m.columns, 'float64');
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.columns; j++) out.data[i * m.columns + j] = m.get(i, j);
  return out;
}

/**
 * Converts a {@link Matrix} to an ml-matrix `Matrix`; pass the class so core need not import it.
 *
 * @example
 * import { Matrix as MlMatrix } from 'ml-matrix';
 * const ml = toMlMatrix(m, MlMatrix);
 */
export function toMlMatrix<M>(m: Matrix, MlMatrix: new (rows: number[][]) => M): M {
  return new MlMatrix(toRows(m));
}
