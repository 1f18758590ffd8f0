import { makeDelayed, zscore } from '@voxelwise/core';
import type { FeatureSet, Matrix, Rng, WordTable } from '@voxelwise/core';
import type { ResolvedSimulateOptions } from './simulate-options.js';

/** Random vector of a word, the same in every story (seeded by the word); the empty word is 0. */
function wordEmbedding(root: Rng, word: string, dim: number): Float64Array {
  const v = new Float64Array(dim);
  if (word === '') return v;
  const r = root.fork(`embedding/${word}`);
  for (let k = 0; k < dim; k++) v[k] = r.normal();
  return v;
}

/**
 * The simulator's own word-level features (`options.features`): Huth's word rate, a one per word
 * with empty words included (deep-fMRI-dataset encoding/feature_spaces.py
 * `get_wordrate_vectors`), or a random embedding per distinct lower-cased word.
 */
export function builtinFeatures(o: ResolvedSimulateOptions, root: Rng, words: WordTable): FeatureSet {
  const n = words.text.length;
  if (o.features === 'wordrate') {
    return { level: 'word', data: { rows: n, cols: 1, data: new Float64Array(n).fill(1) }, columns: ['wordrate'] };
  }
  const d = o.embeddingDim;
  const data = new Float64Array(n * d);
  const lower = words.lower ?? words.text.map((w) => w.toLowerCase());
  const cache = new Map<string, Float64Array>();
  for (let j = 0; j < n; j++) {
    const w = lower[j]!;
    let v = cache.get(w);
    if (!v) cache.set(w, (v = wordEmbedding(root, w, d)));
    data.set(v, j * d);
  }
  return { level: 'word', data: { rows: n, cols: d, data }, columns: Array.from({ length: d }, (_, k) => `embedding${k}`) };
}

/**
 * Features on the TR grid → column z-score (ddof 0, constant columns 0) → FIR delays with zero
 * fill, delay-major (Huth deep-fMRI-dataset encoding/ridge_utils/utils.py `make_delayed`); float64,
 * rows × (cols · delays).
 */
export function delayedZscored(F: Matrix, delays: readonly number[]): Float64Array {
  return makeDelayed(zscore(F), delays).data;
}
