/**
 * A rows × columns float matrix stored in a file (HDF5 dataset, `.npy`, Arrow), read by
 * row/column range without loading the rest.
 */
export interface MatrixFile {
  /** Path of the file, for messages. */
  readonly file: string;
  readonly rows: number;
  readonly cols: number;
  /** Element type stored in the file (float64 is rounded to float32 when read). */
  readonly dtype: 'float32' | 'float64';
  /** Rows `[r0, r1)` × columns `[c0, c1)` as row-major float32. */
  read(r0: number, r1: number, c0: number, c1: number): Float32Array;
  close(): void;
}
