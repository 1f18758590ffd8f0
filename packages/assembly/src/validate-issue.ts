import type { ErrorCode } from '@voxelwise/core';

/** One finding of a validation. */
export interface ValidationIssue {
  readonly code: ErrorCode;
  /** Errors stop an import; warnings are recorded (e.g. constant voxels). */
  readonly severity: 'error' | 'warning';
  readonly story?: string;
  /** The file the problem is in, when known. */
  readonly file?: string;
  /** A house-style message naming the story, file and values. */
  readonly message: string;
  /** Voxels concerned (NaN/Inf or constant voxels). */
  readonly voxels?: readonly number[];
}
