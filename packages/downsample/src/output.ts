import { matrix, voxelwiseError } from '@voxelwise/core';
import type { DownsampleInput, Matrix, MatrixData } from '@voxelwise/core';

/** A {@link DownsampleInput} whose features have element type `T`; outputs keep that type. */
export interface TypedDownsampleInput<T extends MatrixData = MatrixData> extends DownsampleInput {
  readonly data: Matrix<T>;
}

/**
 * A zero matrix with the element type of `like`: float32 features give float32 output (sums are
 * still accumulated in float64), float64 features give float64 output.
 */
export function zerosLike<T extends MatrixData>(like: Matrix<T>, rows: number, cols: number): Matrix<T> {
  const Ctor = like.data.constructor as new (n: number) => T;
  return matrix(rows, cols, new Ctor(rows * cols));
}

/** Checks a numeric option of the function API (the stages validate theirs with zod first). */
export function checkOption(value: unknown, name: string, where: string, rule: 'positive' | 'finite'): number {
  const ok = typeof value === 'number' && Number.isFinite(value) && (rule === 'finite' || value > 0);
  if (!ok) {
    throw voxelwiseError({
      code: 'E_OPTIONS_INVALID',
      where,
      message: `option "${name}" is invalid`,
      got: value,
      expected: rule === 'positive' ? 'a finite number > 0' : 'a finite number',
    });
  }
  return value;
}
