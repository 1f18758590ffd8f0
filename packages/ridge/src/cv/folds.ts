import { voxelwiseError } from '@voxelwise/core';
import type { EventSink, Rng } from '@voxelwise/core';

/** Contiguous k-fold (sklearn `KFold(n, shuffle=False)`). */
export interface KFoldSpec {
  type: 'kfold';
  /** Number of folds. */
  n: number;
}
/** k-fold whose test folds lose `trim` rows at each end (a gap against autocorrelation). */
export interface KFoldTrimmedSpec {
  type: 'kfold_trimmed';
  n: number;
  /** Rows dropped at each end of a test fold. */
  trim: number;
}
/** Folds made of `chunkLength`-row chunks: shuffled (`chunked`, seeded) or in order. */
export interface ChunkedSpec {
  type: 'chunked' | 'chunked_contiguous';
  n: number;
  chunkLength: number;
}
/** Shuffled chunks whose test chunks lose `trim` rows at each end. */
export interface ChunkedTrimmedSpec {
  type: 'chunked_trimmed';
  n: number;
  chunkLength: number;
  trim: number;
}
/** Expanding-window splits (sklearn `TimeSeriesSplit(n)`). */
export interface TimeSeriesSpec {
  type: 'timeseries';
  n: number;
}
/** Whole groups (e.g. stories) held out together (sklearn `GroupKFold(n)`). */
export interface GroupSpec {
  type: 'group';
  n: number;
}
/** Huth's bootstrap: `nboots` random draws of `nchunks` chunks of `chunkLength` rows held out. */
export interface BootstrapSpec {
  type: 'bootstrap';
  nboots: number;
  chunkLength: number;
  nchunks: number;
}

/** One split: row indices (ascending) to fit on and to score on. */
export interface Fold {
  readonly train: Int32Array;
  readonly test: Int32Array;
}

/** Folds given explicitly (programmatic use, e.g. Huth's `ridge_corr` on a fixed train/test pair). */
export interface ExplicitSpec {
  type: 'explicit';
  folds: readonly Fold[];
}

/** How to split rows into train/validation sets. */
export type FoldSpec =
  KFoldSpec | KFoldTrimmedSpec | ChunkedSpec | ChunkedTrimmedSpec | TimeSeriesSpec | GroupSpec | BootstrapSpec | ExplicitSpec;

/** Inputs of {@link createFolds} besides the spec. */
export interface FoldContext {
  /** Group label per row; required by `group`. */
  groups?: Int32Array;
  /** Draws for `chunked`, `chunked_trimmed` and `bootstrap`. */
  rng: Rng;
  /** Receives warnings (e.g. a fold too short to trim). */
  emit?: EventSink;
  /** Label for messages. */
  where?: string;
}

const range = (a: number, b: number): number[] => Array.from({ length: Math.max(0, b - a) }, (_, i) => a + i);

/** Sizes of sklearn's KFold: the first n % k folds get one extra row. */
function kfoldBounds(n: number, k: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start = 0;
  for (let f = 0; f < k; f++) {
    const size = Math.floor(n / k) + (f < n % k ? 1 : 0);
    out.push([start, start + size]);
    start += size;
  }
  return out;
}

function complement(n: number, excluded: Iterable<number>): Int32Array {
  const mask = new Uint8Array(n);
  for (const i of excluded) mask[i] = 1;
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (!mask[i]) out.push(i);
  return Int32Array.from(out);
}

const sorted = (rows: number[]): Int32Array => Int32Array.from(rows).sort();

/**
 * Builds the folds of `spec` over `n` rows (LITcoder `encoding/models/folding.py` `create_folds`, and
 * Huth lab deep-fMRI-dataset `encoding/ridge_utils/ridge.py` `bootstrap_ridge`), seeded from `context.rng`. Departures from LITcoder, on purpose:
 * shuffles are seeded; `chunked*` keep the remainder rows (appended to the last chunk) instead
 * of dropping them; too few chunks for the folds is an error rather than a silent fallback.
 */
export function createFolds(n: number, spec: FoldSpec, context: FoldContext): Fold[] {
  const where = context.where ?? 'ridge:folds';
  const fail = (message: string, hint: string): never => {
    throw voxelwiseError({ code: 'E_OPTIONS_INVALID', where, message, details: { spec, rows: n }, hint });
  };
  if (spec.type === 'bootstrap') return bootstrapFolds(n, spec, context.rng, fail);
  if (spec.type === 'explicit') return explicitFolds(n, spec, fail);
  const k = spec.n;
  if (!Number.isInteger(k) || k < 2) fail(`${spec.type} folds need n ≥ 2 (got ${k})`, 'Set folds.n to 2 or more.');
  switch (spec.type) {
    case 'kfold': {
      if (n < k) fail(`cannot split ${n} rows into ${k} folds`, 'Use fewer folds or more rows.');
      return kfoldBounds(n, k).map(([a, b]) => ({ train: complement(n, range(a, b)), test: Int32Array.from(range(a, b)) }));
    }
    case 'kfold_trimmed': {
      if (n < k) fail(`cannot split ${n} rows into ${k} folds`, 'Use fewer folds or more rows.');
      return kfoldBounds(n, k).map(([a, b], f) => {
        // Train is the complement of the untrimmed test fold: the trimmed rows are a gap.
        const train = complement(n, range(a, b));
        if (b - a <= 2 * spec.trim) {
          context.emit?.({
            type: 'log',
            level: 'warn',
            stage: where,
            message: `fold ${f} has ${b - a} rows, too few to trim ${spec.trim} at each end; kept whole`,
          });
          return { train, test: Int32Array.from(range(a, b)) };
        }
        return { train, test: Int32Array.from(range(a + spec.trim, b - spec.trim)) };
      });
    }
    case 'chunked':
    case 'chunked_contiguous':
    case 'chunked_trimmed': {
      const L = spec.chunkLength;
      if (!Number.isInteger(L) || L < 1) fail(`chunkLength must be a positive integer (got ${L})`, 'Set folds.chunkLength to e.g. 20.');
      const nChunks = Math.floor(n / L);
      if (nChunks < k)
        fail(`${n} rows make ${nChunks} chunks of ${L}, fewer than the ${k} folds`, 'Use a shorter chunkLength or fewer folds.');
      const chunks: Array<[number, number]> = range(0, nChunks).map((c) => [c * L, c === nChunks - 1 ? n : (c + 1) * L]);
      if (spec.type !== 'chunked_contiguous') context.rng.shuffle(chunks);
      const perFold = Math.floor(nChunks / k);
      const trim = spec.type === 'chunked_trimmed' ? spec.trim : 0;
      const out: Fold[] = [];
      for (let f = 0; f < k; f++) {
        const mine = chunks.slice(f * perFold, f === k - 1 ? nChunks : (f + 1) * perFold);
        const held: number[] = [];
        const test: number[] = [];
        for (const [a, b] of mine) {
          held.push(...range(a, b));
          const [ta, tb] = trim > 0 && b - a > 2 * trim ? [a + trim, b - trim] : [a, b];
          test.push(...range(ta, tb));
        }
        out.push({ train: complement(n, held), test: sorted(test) });
      }
      return out;
    }
    case 'timeseries': {
      // sklearn TimeSeriesSplit: test_size = n // (k+1); train = everything before the test block.
      const size = Math.floor(n / (k + 1));
      if (size < 1) fail(`cannot make ${k} time-series splits of ${n} rows`, 'Use fewer folds or more rows.');
      const out: Fold[] = [];
      for (let f = 0; f < k; f++) {
        const start = n - (k - f) * size;
        out.push({ train: Int32Array.from(range(0, start)), test: Int32Array.from(range(start, start + size)) });
      }
      return out;
    }
    case 'group': {
      const g = context.groups;
      if (!g)
        return fail(
          'group folds need a group label per row',
          'Pass groups (e.g. the story of each row) in the fit data, or choose another fold type.',
        );
      if (g.length !== n) fail(`groups has ${g.length} labels for ${n} rows`, 'Pass one group label per row.');
      const sizes = new Map<number, number>();
      for (const label of g) sizes.set(label, (sizes.get(label) ?? 0) + 1);
      if (sizes.size < k) fail(`${sizes.size} groups cannot fill ${k} folds`, 'Use at most as many folds as groups.');
      // sklearn GroupKFold: largest groups first, each into the currently lightest fold.
      const labels = [...sizes.keys()].sort((a, b) => sizes.get(b)! - sizes.get(a)! || b - a);
      const load = new Array<number>(k).fill(0);
      const foldOf = new Map<number, number>();
      for (const label of labels) {
        let best = 0;
        for (let f = 1; f < k; f++) if (load[f]! < load[best]!) best = f;
        foldOf.set(label, best);
        load[best] = load[best]! + sizes.get(label)!;
      }
      const out: Fold[] = [];
      for (let f = 0; f < k; f++) {
        const test: number[] = [];
        const train: number[] = [];
        for (let i = 0; i < n; i++) (foldOf.get(g[i]!) === f ? test : train).push(i);
        out.push({ train: Int32Array.from(train), test: Int32Array.from(test) });
      }
      return out;
    }
  }
}

/**
 * Huth's bootstrap (Huth lab deep-fMRI-dataset `encoding/ridge_utils/ridge.py` `bootstrap_ridge`): consecutive
 * chunks of `chunkLength` rows (the tail that does not fill a chunk is never held out) are
 * shuffled and the first `nchunks` are held out, `nboots` times.
 */
function bootstrapFolds(n: number, spec: BootstrapSpec, rng: Rng, fail: (message: string, hint: string) => never): Fold[] {
  const { nboots, chunkLength: L, nchunks } = spec;
  if (!Number.isInteger(nboots) || nboots < 1) fail(`bootstrap needs nboots ≥ 1 (got ${nboots})`, 'Set folds.nboots, e.g. 50.');
  if (!Number.isInteger(L) || L < 1) fail(`chunkLength must be a positive integer (got ${L})`, 'Set folds.chunkLength, e.g. 40.');
  const total = Math.floor(n / L);
  if (!Number.isInteger(nchunks) || nchunks < 1 || nchunks >= total) {
    fail(
      `bootstrap holds out ${nchunks} chunks but ${n} rows make ${total} chunks of ${L}`,
      'Hold out fewer chunks (folds.nchunks) than there are, leaving some to train on.',
    );
  }
  const out: Fold[] = [];
  const ids = range(0, total);
  for (let b = 0; b < nboots; b++) {
    rng.shuffle(ids);
    const held: number[] = [];
    for (let c = 0; c < nchunks; c++) held.push(...range(ids[c]! * L, (ids[c]! + 1) * L));
    const test = sorted(held);
    out.push({ train: complement(n, test), test });
  }
  return out;
}

function explicitFolds(n: number, spec: ExplicitSpec, fail: (message: string, hint: string) => never): Fold[] {
  if (spec.folds.length < 1) fail('explicit folds: none given', 'Pass at least one { train, test } pair.');
  return spec.folds.map((f, i) => {
    for (const rows of [f.train, f.test]) {
      for (const r of rows)
        if (!Number.isInteger(r) || r < 0 || r >= n)
          fail(`explicit fold ${i}: row ${r} is outside [0, ${n})`, 'Use row indices of the fit data.');
    }
    return { train: Int32Array.from(f.train).sort(), test: Int32Array.from(f.test).sort() };
  });
}
