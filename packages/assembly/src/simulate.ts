import { createRng, resolveVoxelRange, voxelwiseError, wordMidpoints } from '@voxelwise/core';
import type { Assembly, DownsampleInput, EventSink, FeatureSet, Matrix, ResponseBlock, Rng, Story, WordTable } from '@voxelwise/core';
import { lanczosResample } from './lanczos.js';
import { LEBEL_TIMING, LEBEL_TRIM, isLebelNonWord, lebelTrTimes } from './lebel-conventions.js';
import { resolveSimulateOptions } from './simulate-options.js';
import type { ResolvedSimulateOptions, SimulateOptions } from './simulate-options.js';
import { simulateTranscript } from './simulate-text.js';
import type { SimTranscript } from './simulate-text.js';

const WHERE = 'assembly:simulate';

/** FIR delays (TRs) of the planted response: 4 TRs, as Huth/LITcoder fit. */
export const SIMULATION_DELAYS: readonly number[] = [1, 2, 3, 4];

/** Functions the simulator takes from outside, so it never imports another plugin. */
export interface SimulationHooks {
  /** Resamples word-level features onto a TR grid. @default Huth Lanczos, window 3, cutoff 1 ({@link lanczosResample}) */
  resample?: (input: DownsampleInput) => Matrix;
  /** Features of a story (any extractor's output); replaces `options.features`. Word-level sets are resampled. */
  features?: (story: Story) => Promise<FeatureSet> | FeatureSet;
  /** Receives progress events. */
  emit?: EventSink;
  signal?: AbortSignal;
}

/** The planted model, to compare fitted results against. */
export interface GroundTruth {
  /** 1 where the voxel carries signal, 0 for pure-noise voxels. */
  readonly planted: Uint8Array;
  /** Signal sd / noise sd per voxel over the response rows of all stories (0 for noise voxels). */
  readonly snr: Float64Array;
  /** Noise sd per voxel (stationary sd of the AR(1) noise of one repeat). */
  readonly noiseSd: Float64Array;
  /**
   * (delays × features) × voxels weights on the per-story z-scored, resampled features; row
   * `b·f + k` is feature k at delay `delays[b]` (Huth `make_delayed` column order).
   */
  readonly weights: Matrix<Float64Array>;
  readonly delays: readonly number[];
  /** Names of the feature columns. */
  readonly featureColumns: readonly string[];
  /** Best achievable test r per voxel: Pearson r of the noiseless signal and the stored test response (0 for noise voxels). */
  readonly bestR: Float64Array;
  /** The story `bestR` refers to. */
  readonly testStory: string;
}

/** A simulated subject: the assembly, its ground truth, and what the LeBel writer needs. */
export interface SimulatedSubject {
  readonly assembly: Assembly;
  readonly truth: GroundTruth;
  /** Word-tier intervals of every story (non-speech labels included) for writing TextGrids. */
  readonly transcripts: ReadonlyMap<string, SimTranscript>;
  /** respdict.json entries: TRs per story (grid TRs + 5). */
  readonly respdict: Readonly<Record<string, number>>;
  readonly options: ResolvedSimulateOptions;
}

interface StoryPlan {
  name: string;
  words: WordTable;
  trTimes: Float64Array;
  /** Delayed z-scored features, nTR × p. */
  X: Float64Array;
  nRows: number;
  repeats: number;
}

/** Random vector of a word, the same in every story (seeded by the word). */
function embedding(root: Rng, word: string, dim: number): Float64Array {
  const v = new Float64Array(dim);
  if (word === '') return v;
  const r = root.fork(`embedding/${word}`);
  for (let k = 0; k < dim; k++) v[k] = r.normal();
  return v;
}

function builtinFeatures(o: ResolvedSimulateOptions, root: Rng, words: WordTable): FeatureSet {
  const n = words.text.length;
  if (o.features === 'wordrate') {
    // Huth word rate: a one per word, empty words included (feature_spaces.get_wordrate_vectors).
    return { level: 'word', data: { rows: n, cols: 1, data: new Float64Array(n).fill(1) }, columns: ['wordrate'] };
  }
  const d = o.embeddingDim;
  const data = new Float64Array(n * d);
  const lower = words.lower ?? words.text.map((w) => w.toLowerCase());
  const cache = new Map<string, Float64Array>();
  for (let j = 0; j < n; j++) {
    const w = lower[j]!;
    let v = cache.get(w);
    if (!v) cache.set(w, (v = embedding(root, w, d)));
    data.set(v, j * d);
  }
  return { level: 'word', data: { rows: n, cols: d, data }, columns: Array.from({ length: d }, (_, k) => `embedding${k}`) };
}

/** Column z-score (population sd; constant columns become 0), then FIR delays with zero fill. */
function zscoreDelay(F: Matrix, delays: readonly number[]): Float64Array {
  const { rows, cols } = F;
  const Z = new Float64Array(rows * cols);
  for (let k = 0; k < cols; k++) {
    let m = 0;
    for (let i = 0; i < rows; i++) m += F.data[i * cols + k]!;
    m /= rows;
    let v = 0;
    for (let i = 0; i < rows; i++) v += (F.data[i * cols + k]! - m) ** 2;
    const sd = Math.sqrt(v / rows);
    for (let i = 0; i < rows; i++) Z[i * cols + k] = sd > 0 ? (F.data[i * cols + k]! - m) / sd : 0;
  }
  const p = cols * delays.length;
  const X = new Float64Array(rows * p);
  delays.forEach((d, b) => {
    for (let i = d; i < rows; i++) for (let k = 0; k < cols; k++) X[i * p + b * cols + k] = Z[(i - d) * cols + k]!;
  });
  return X;
}

function checkAbort(signal?: AbortSignal): void {
  if (signal?.aborted) throw voxelwiseError({ code: 'E_ABORTED', where: WHERE, message: 'simulation aborted' });
}

/**
 * Simulates a subject, deterministically from `options.seed`: stories with realistic word timing
 * on the LeBel TR grid (`respdict − 5` TRs at `k·TR − 10 + TR/2`, responses = grid `[10:-5]`), a
 * planted linear encoding model on word-level features (word rate, random word embeddings, or any
 * extractor's output via `hooks.features`) resampled to the TR grid (Lanczos by default) and
 * z-scored per story, an FIR response over 4 TRs, per-voxel SNR drawn log-uniformly from a wide
 * range with some voxels pure noise, AR(1) noise, and a test story heard `testRepeats` times
 * (its response is the mean). Responses are computed on demand, voxel block by voxel block, so
 * large subjects stream; every voxel's values are the same whatever the block size.
 *
 * @example
 * const { assembly, truth } = await simulateSubject({ seed: 1, voxels: 100 });
 */
export async function simulateSubject(options: SimulateOptions = {}, hooks: SimulationHooks = {}): Promise<SimulatedSubject> {
  const o = resolveSimulateOptions(options);
  const root = createRng(o.seed);
  const resample = hooks.resample ?? ((input: DownsampleInput) => lanczosResample(input, 3, 1));
  const V = o.voxels;
  const trim = LEBEL_TRIM;
  const names = Array.from({ length: o.stories - 1 }, (_, i) => `story${String(i + 1).padStart(2, '0')}`);
  if (names.includes(o.testStory))
    throw voxelwiseError({
      code: 'E_OPTIONS_INVALID',
      where: WHERE,
      message: `option "testStory": "${o.testStory}" clashes with a training story name`,
    });
  names.push(o.testStory);

  const transcripts = new Map<string, SimTranscript>();
  const respdict: Record<string, number> = {};
  const plans: StoryPlan[] = [];
  let featureColumns: readonly string[] = [];
  let f = -1;
  for (const name of names) {
    checkAbort(hooks.signal);
    const rs = root.fork(`story/${name}`);
    const transcript = simulateTranscript(rs.fork('text'), o.duration * (0.85 + 0.3 * rs.next()));
    transcripts.set(name, transcript);
    const kept = transcript.intervals.filter((iv) => !isLebelNonWord(iv.text));
    const words: WordTable = {
      text: kept.map((iv) => iv.text),
      lower: kept.map((iv) => iv.text.toLowerCase()),
      onset: Float64Array.from(kept, (iv) => iv.xmin),
      offset: Float64Array.from(kept, (iv) => iv.xmax),
    };
    // Grid long enough for ≥ 20 s of scan after the last word (the hemodynamic tail).
    const nGrid = Math.ceil((transcript.end + 20) / o.tr) + 6;
    respdict[name] = nGrid + LEBEL_TIMING.pad;
    const trTimes = lebelTrTimes(respdict[name]!, { tr: o.tr });
    const nRows = nGrid - trim.start - trim.end;
    const timing: Story = {
      name,
      words,
      wordTimes: wordMidpoints(words),
      trTimes,
      trim,
      nResponseRows: nRows,
      nVoxels: V,
      responses: () =>
        Promise.reject(
          voxelwiseError({
            code: 'E_INTERNAL',
            where: WHERE,
            message: 'responses are not available while the features of a simulation are computed',
          }),
        ),
    };
    const fs = hooks.features ? await hooks.features(timing) : builtinFeatures(o, root, words);
    const onGrid = fs.level === 'tr' ? fs.data : resample({ data: fs.data, dataTimes: timing.wordTimes, trTimes });
    if (onGrid.rows !== trTimes.length) {
      throw voxelwiseError({
        code: 'E_SHAPE_MISMATCH',
        where: WHERE,
        message: `story "${name}": features on the TR grid have ${onGrid.rows} rows`,
        expected: trTimes.length,
      });
    }
    if (f >= 0 && onGrid.cols !== f) {
      throw voxelwiseError({
        code: 'E_SHAPE_MISMATCH',
        where: WHERE,
        message: `story "${name}": the features have ${onGrid.cols} columns but the first story had ${f}`,
      });
    }
    f = onGrid.cols;
    featureColumns = fs.columns ?? Array.from({ length: f }, (_, k) => `feature${k}`);
    plans.push({
      name,
      words,
      trTimes,
      X: zscoreDelay(onGrid, SIMULATION_DELAYS),
      nRows,
      repeats: name === o.testStory ? o.testRepeats : 1,
    });
  }
  const p = f * SIMULATION_DELAYS.length;

  // Pooled covariance of the delayed features over the response rows of all stories.
  const mean = new Float64Array(p);
  const cov = new Float64Array(p * p);
  let count = 0;
  for (const s of plans) {
    for (let i = trim.start; i < trim.start + s.nRows; i++) {
      const x = s.X.subarray(i * p, (i + 1) * p);
      for (let a = 0; a < p; a++) {
        mean[a]! += x[a]!;
        for (let b = 0; b < p; b++) cov[a * p + b]! += x[a]! * x[b]!;
      }
      count++;
    }
  }
  for (let a = 0; a < p; a++) mean[a]! /= count;
  for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) cov[a * p + b] = cov[a * p + b]! / count - mean[a]! * mean[b]!;

  // Planted voxels, weights (HRF-shaped gain over the 4 delays × a random feature direction), SNR.
  const planted = new Uint8Array(V);
  const order = root.fork('planted').shuffle(Array.from({ length: V }, (_, v) => v));
  for (let k = 0; k < Math.round(V * o.plantedFraction); k++) planted[order[k]!] = 1;
  const W = new Float64Array(p * V);
  const snr = new Float64Array(V);
  const noiseSd = new Float64Array(V).fill(1);
  const wr = root.fork('weights');
  const hrf = [0.3, 1, 0.8, 0.3];
  for (let v = 0; v < V; v++) {
    if (!planted[v]) continue;
    const dir = Float64Array.from({ length: f }, () => wr.normal() / Math.sqrt(f));
    for (let b = 0; b < SIMULATION_DELAYS.length; b++) {
      const h = hrf[b]! * (0.7 + 0.6 * wr.next());
      for (let k = 0; k < f; k++) W[(b * f + k) * V + v] = h * dir[k]!;
    }
    snr[v] = Math.exp(Math.log(o.snrMin) + wr.next() * (Math.log(o.snrMax) - Math.log(o.snrMin)));
    let variance = 0;
    for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) variance += W[a * V + v]! * cov[a * p + b]! * W[b * V + v]!;
    if (variance > 1e-20) noiseSd[v] = Math.sqrt(variance) / snr[v]!;
    else {
      // Constant features carry no signal: the voxel is noise after all.
      planted[v] = 0;
      snr[v] = 0;
      for (let a = 0; a < p; a++) W[a * V + v] = 0;
    }
  }

  const signalOf = (s: StoryPlan, v: number, out: Float64Array): void => {
    for (let i = 0; i < s.nRows; i++) {
      const x = s.X.subarray((trim.start + i) * p, (trim.start + i + 1) * p);
      let y = 0;
      for (let a = 0; a < p; a++) y += x[a]! * W[a * V + v]!;
      out[i] = y;
    }
  };
  /** One repeat of voxels [v0, v1): signal + AR(1) noise, float32 rows × w. */
  const repeatBlock = (s: StoryPlan, repeat: number, v0: number, v1: number): Float32Array => {
    const w = v1 - v0;
    const rows = s.nRows;
    const out = new Float32Array(rows * w);
    const sig = new Float64Array(rows);
    const phi = o.ar1;
    const innov = Math.sqrt(1 - phi * phi);
    // Voxels are computed in narrow tiles, then copied row by row: writing one voxel's column
    // straight into a wide row-major block would miss the cache on every value.
    const TILE = 64;
    const tile = new Float32Array(rows * TILE);
    for (let t0 = v0; t0 < v1; t0 += TILE) {
      const tw = Math.min(TILE, v1 - t0);
      for (let j = 0; j < tw; j++) {
        const v = t0 + j;
        if (planted[v]) signalOf(s, v, sig);
        else sig.fill(0);
        const r = root.fork(`noise/${s.name}/${repeat}/${v}`);
        const sd = noiseSd[v]!;
        let e = 0;
        for (let i = 0; i < rows; i++) {
          // Stationary AR(1): e_0 ~ N(0, sd²), e_t = φ·e_{t−1} + sd·√(1−φ²)·ξ_t.
          e = i === 0 ? sd * r.normal() : phi * e + sd * innov * r.normal();
          tile[i * tw + j] = sig[i]! + e;
        }
      }
      if (tw === w) return tile.slice(0, rows * w);
      for (let i = 0; i < rows; i++) out.set(tile.subarray(i * tw, (i + 1) * tw), i * w + (t0 - v0));
    }
    return out;
  };
  /** The stored response: one repeat, or the float32 mean of the float32 repeats. */
  const meanBlock = (s: StoryPlan, v0: number, v1: number): Float32Array => {
    if (s.repeats === 1) return repeatBlock(s, 0, v0, v1);
    const acc = new Float64Array(s.nRows * (v1 - v0));
    for (let r = 0; r < s.repeats; r++) {
      const b = repeatBlock(s, r, v0, v1);
      for (let k = 0; k < acc.length; k++) acc[k]! += b[k]!;
    }
    const out = new Float32Array(acc.length);
    for (let k = 0; k < acc.length; k++) out[k] = acc[k]! / s.repeats;
    return out;
  };

  // The test story is computed once here (for bestR) and kept: it is read again when written.
  const test = plans[plans.length - 1]!;
  const testMean = new Float32Array(test.nRows * V);
  const bestR = new Float64Array(V);
  const block = 2048;
  const sig = new Float64Array(test.nRows);
  for (let v0 = 0; v0 < V; v0 += block) {
    checkAbort(hooks.signal);
    const v1 = Math.min(V, v0 + block);
    const b = meanBlock(test, v0, v1);
    const w = v1 - v0;
    for (let i = 0; i < test.nRows; i++) testMean.set(b.subarray(i * w, (i + 1) * w), i * V + v0);
    for (let v = v0; v < v1; v++) {
      if (!planted[v]) continue;
      signalOf(test, v, sig);
      bestR[v] = pearson(sig, b, v - v0, w);
    }
    hooks.emit?.({
      type: 'stage:progress',
      stage: 'assembly/simulate',
      done: v1,
      total: V,
      unit: 'voxels',
      message: `${test.name} (${test.repeats} repeats)`,
    });
  }

  const storyOf = (s: StoryPlan): Story => {
    const range = (r: { voxelStart?: number; voxelEnd?: number } = {}): [number, number] => resolveVoxelRange(r, V, s.name, WHERE);
    const story: Story = {
      name: s.name,
      words: s.words,
      wordTimes: wordMidpoints(s.words),
      trTimes: s.trTimes,
      trim,
      nResponseRows: s.nRows,
      nVoxels: V,
      metadata: { simulated: true, respdictTRs: respdict[s.name] },
      async responses(r): Promise<ResponseBlock> {
        const [v0, v1] = range(r);
        const w = v1 - v0;
        if (s === test) {
          const data = new Float32Array(s.nRows * w);
          for (let i = 0; i < s.nRows; i++) data.set(testMean.subarray(i * V + v0, i * V + v1), i * w);
          return { rows: s.nRows, cols: w, data, voxelStart: v0 };
        }
        return { rows: s.nRows, cols: w, data: meanBlock(s, v0, v1), voxelStart: v0 };
      },
    };
    if (s.repeats === 1) return story;
    return {
      ...story,
      nRepeats: s.repeats,
      async repeatResponses(repeat, r): Promise<ResponseBlock> {
        if (!Number.isInteger(repeat) || repeat < 0 || repeat >= s.repeats) {
          throw voxelwiseError({
            code: 'E_DATA_INVALID',
            where: WHERE,
            message: `story "${s.name}" has repeats 0–${s.repeats - 1}`,
            got: repeat,
          });
        }
        const [v0, v1] = range(r);
        return { rows: s.nRows, cols: v1 - v0, data: repeatBlock(s, repeat, v0, v1), voxelStart: v0 };
      },
    };
  };
  const stories = new Map(plans.map((s) => [s.name, storyOf(s)]));
  const truth: GroundTruth = {
    planted,
    snr,
    noiseSd,
    weights: { rows: p, cols: V, data: W },
    delays: SIMULATION_DELAYS,
    featureColumns,
    bestR,
    testStory: test.name,
  };
  const subject = o.subject ?? `sim-${o.seed}`;
  const assembly: Assembly = {
    metadata: {
      subject,
      tr: o.tr,
      nVoxels: V,
      trimming: 'lebel',
      provenance: {
        source: 'simulated',
        simulator: '@voxelwise/assembly simulateSubject',
        options: o,
        features: hooks.features ? 'custom' : o.features,
      },
      groundTruth: {
        planted: Array.from(planted),
        snr: Array.from(snr),
        noiseSd: Array.from(noiseSd),
        bestR: Array.from(bestR),
        testStory: test.name,
        delays: [...SIMULATION_DELAYS],
        featureColumns: [...featureColumns],
      },
    },
    storyNames: names,
    testStories: [test.name],
    async story(name) {
      const s = stories.get(name);
      if (!s)
        throw voxelwiseError({
          code: 'E_DATA_INVALID',
          where: WHERE,
          message: `no story "${name}" in simulated subject ${subject}`,
          expected: names,
        });
      return s;
    },
  };
  return { assembly, truth, transcripts, respdict, options: o };
}

/** Pearson r (float64) of `a` and column `col` of a row-major block of width `w`. */
function pearson(a: Float64Array, block: Float32Array, col: number, w: number): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += block[i * w + col]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]! - ma;
    const y = block[i * w + col]! - mb;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}
