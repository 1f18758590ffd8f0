import type { DType, Matrix } from '@voxelwise/core';

/** Options of {@link LinalgBackend.matmul}. */
export interface MatmulOptions {
  /**
   * Element type the product is computed and returned in. Inputs of the other type are
   * converted first. @default 'float32' when both inputs are float32, else 'float64'
   */
  dtype?: DType;
  /** Storage for the product (m·n elements of `dtype`), reused across calls to spare allocations. */
  out?: Float32Array | Float64Array;
}

/**
 * A symmetric matrix reduced to tridiagonal form, `G = Q·T·Qᵀ`, with `T` tridiagonal
 * (diagonal `d`, off-diagonal `e`) and `Q` orthogonal (Householder reduction, Golub & Van Loan
 * §8.3.1).
 */
export interface Tridiagonalization {
  /** Diagonal of T (length p). */
  readonly d: Float64Array;
  /** Off-diagonal of T (length p − 1): T[i, i+1] = T[i+1, i] = e[i]. */
  readonly e: Float64Array;
  /** The orthogonal basis (p × p, float64). */
  readonly Q: Matrix<Float64Array>;
}

/** A symmetric eigendecomposition `G = V·diag(values)·Vᵀ`, eigenvalues ascending. */
export interface SymmetricEigen {
  readonly values: Float64Array;
  /** Eigenvectors in columns (p × p, float64). */
  readonly vectors: Matrix<Float64Array>;
}

/**
 * The linear algebra a ridge fit needs. Implementations: `onnx` (products on onnxruntime-node
 * MatMul sessions built at run time; the fast default) and `pure` (plain TypeScript plus
 * ml-matrix; the reference). Both pass the same conformance tests.
 */
export interface LinalgBackend {
  /** `onnx` or `pure`. */
  readonly name: string;
  /** `A·B` with A m×k and B k×n (row-major). */
  matmul(A: Matrix, B: Matrix, options?: MatmulOptions): Promise<Matrix>;
  /** `XᵀX` accumulated in float64 (float32 inputs are exact in float64). */
  gram(X: Matrix): Promise<Matrix<Float64Array>>;
  /** Householder tridiagonalisation of a symmetric float64 matrix. */
  tridiagonalize(G: Matrix<Float64Array>): Promise<Tridiagonalization>;
  /** Symmetric eigendecomposition of a float64 matrix. */
  eigh(G: Matrix<Float64Array>): Promise<SymmetricEigen>;
  /** Releases sessions and worker resources. */
  dispose(): Promise<void>;
}

/**
 * The dense kernels the blocked Householder reduction needs, so one algorithm serves both
 * backends (onnxruntime products for big blocks, TypeScript loops for small ones).
 */
export interface DenseKernels {
  /** `out = A·B`, A m×k, B k×n, float64. */
  gemm(A: Float64Array, B: Float64Array, m: number, k: number, n: number, out: Float64Array): Promise<void>;
  /** `out = C − A·B` (m×n), `out` distinct from `C`, float64. */
  gemmSubtract(A: Float64Array, B: Float64Array, C: Float64Array, m: number, k: number, n: number, out: Float64Array): Promise<void>;
}
