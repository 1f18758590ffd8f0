import { voxelwiseError } from './errors.js';
import { matrix } from './matrix.js';
import type { Matrix, MatrixData } from './matrix.js';

const WHERE = 'core:fir';

/** Which feature and delay a delayed column holds. */
export interface DelayedColumn {
  /** Column index in the delayed matrix: `block · nFeatures + feature`. */
  index: number;
  /** Feature column of the input. */
  feature: number;
  /** Delay in TRs (positive: the feature from `delay` TRs earlier). */
  delay: number;
  /** `<feature name>@<delay>` when feature names were given. */
  name?: string;
}

/** Options of {@link makeDelayed}. */
export interface DelayOptions {
  /** Wrap around instead of padding with zeros (Huth/LITcoder `circpad`). @default false */
  circpad?: boolean;
}

function checkDelays(delays: readonly number[], where: string): void {
  if (delays.length === 0) {
    throw voxelwiseError({
      code: 'E_CONFIG_INVALID',
      where,
      message: 'no FIR delays given',
      hint: 'Pass at least one delay, e.g. [1, 2, 3, 4].',
    });
  }
  delays.forEach((delay, b) => {
    if (!Number.isInteger(delay)) {
      throw voxelwiseError({
        code: 'E_CONFIG_INVALID',
        where,
        message: `delay ${b} is ${delay}, not an integer number of TRs`,
        details: { index: b },
        hint: 'FIR delays count TRs, e.g. [1, 2, 3, 4].',
      });
    }
  });
}

/**
 * FIR delays (Huth deep-fMRI-dataset encoding/ridge_utils/utils.py `make_delayed` = LITcoder
 * encoding/FIR_expander.py `FIR`): for each
 * delay d, in the order given, a block whose row t is `stim[t − d]`; rows that fall outside are 0,
 * or wrap around with `circpad` (also for |d| ≥ rows, where the reference fails). Positive delays
 * look back, negative ones ahead, 0 copies. Blocks are concatenated delay-major, so column
 * `b·nFeatures + k` is feature k at `delays[b]` (see {@link delayedColumns}). The result keeps the
 * element type of `stim` (LITcoder always allocates float64).
 *
 * @example
 * const X = makeDelayed(features, [1, 2, 3, 4]);
 */
export function makeDelayed<T extends MatrixData>(
  stim: Matrix<T>,
  delays: readonly number[],
  options: boolean | DelayOptions = false,
): Matrix<T> {
  checkDelays(delays, WHERE);
  const circpad = typeof options === 'boolean' ? options : (options.circpad ?? false);
  const { rows: nt, cols: nd } = stim;
  const width = nd * delays.length;
  // Same element type as the input: float32 features stay float32.
  const Ctor = stim.data.constructor as new (n: number) => T;
  const out = matrix(nt, width, new Ctor(nt * width));
  delays.forEach((delay, b) => {
    for (let t = 0; t < nt; t++) {
      let src = t - delay;
      if (src < 0 || src >= nt) {
        if (!circpad) continue;
        src = ((src % nt) + nt) % nt;
      }
      out.data.set(stim.data.subarray(src * nd, src * nd + nd), t * width + b * nd);
    }
  });
  return out;
}

/**
 * Column metadata of {@link makeDelayed}'s output, for reports: pass the feature count or the
 * feature names (then every column also gets `name = "<feature>@<delay>"`).
 *
 * @example
 * delayedColumns(['wordrate'], [1, 2]); // [{ index: 0, feature: 0, delay: 1, name: 'wordrate@1' }, ...]
 */
export function delayedColumns(features: number | readonly string[], delays: readonly number[]): DelayedColumn[] {
  const names = typeof features === 'number' ? undefined : features;
  const n = typeof features === 'number' ? features : features.length;
  const out: DelayedColumn[] = [];
  for (const delay of delays) {
    for (let feature = 0; feature < n; feature++) {
      const column: DelayedColumn = { index: out.length, feature, delay };
      if (names) column.name = `${names[feature]}@${delay}`;
      out.push(column);
    }
  }
  return out;
}

/**
 * Rows of a delayed matrix that hold no padding: `rows − max|d|`, or all rows with `circpad`
 * (LITcoder `FIR.valid_length`); never negative.
 */
export function validLength(rows: number, delays: readonly number[], circpad = false): number {
  checkDelays(delays, WHERE);
  if (circpad) return rows;
  let maxAbs = 0;
  for (const d of delays) maxAbs = Math.max(maxAbs, Math.abs(d));
  return Math.max(0, rows - maxAbs);
}
