import { createRng, memoryAssembly, memoryStory } from '@voxelwise/core';
import type { Assembly, Matrix } from '@voxelwise/core';

/** Options of {@link simulateSubject}. */
export interface SimulateOptions {
  /** @default 0 */
  seed?: number;
  /** Number of stories; the last is the test story. @default 4 */
  stories?: number;
  /** Seconds of speech per story. @default 360 */
  duration?: number;
  /** @default 40 */
  voxels?: number;
  /** Fraction of voxels that carry the planted signal. @default 0.5 */
  plantedFraction?: number;
  /** @default 2 */
  tr?: number;
}

/** The planted model, to compare fitted results against. */
export interface GroundTruth {
  /** 1 where the voxel carries signal. */
  planted: Uint8Array;
  /** FIR weights (4 delays × voxels) on TR-level word counts. */
  weights: Matrix<Float64Array>;
  /** Signal-to-noise ratio (signal sd / noise sd) per voxel; 0 for noise voxels. */
  snr: Float64Array;
}

const SYLLABLES = ['ka', 'lo', 'mi', 'ter', 'san', 'do', 're', 'vi', 'na', 'bel', 'tor', 'en', 'is', 'ra', 'mon'];

/**
 * A deterministic simulated subject: stories with word timings, responses planted from word
 * rate through a 4-TR FIR response plus Gaussian noise, some voxels pure noise. LeBel-style grid:
 * TR times `TR·k − 10 + TR/2`, responses trimmed `[10:-5]`.
 */
export function simulateSubject(options: SimulateOptions = {}): { assembly: Assembly; truth: GroundTruth } {
  const seed = options.seed ?? 0;
  const nStories = options.stories ?? 4;
  const duration = options.duration ?? 360;
  const nVox = options.voxels ?? 40;
  const tr = options.tr ?? 2;
  const rng = createRng(seed);
  const delays = [1, 2, 3, 4];
  const planted = new Uint8Array(nVox);
  const nPlanted = Math.round(nVox * (options.plantedFraction ?? 0.5));
  for (let v = 0; v < nPlanted; v++) planted[v] = 1;
  const weights = new Float64Array(delays.length * nVox);
  const snr = new Float64Array(nVox);
  const wr = rng.fork('weights');
  for (let v = 0; v < nVox; v++) {
    if (!planted[v]) continue;
    // A positive HRF-like shape with voxel-specific gain.
    const gain = 0.5 + wr.next();
    const shape = [0.3, 1, 0.8, 0.3];
    for (let d = 0; d < delays.length; d++) weights[d * nVox + v] = gain * shape[d]! * (0.8 + 0.4 * wr.next());
    snr[v] = 0.3 + 1.2 * wr.next();
  }
  const stories = [];
  for (let s = 0; s < nStories; s++) {
    const r = rng.fork(`story-${s}`);
    const text: string[] = [];
    const onset: number[] = [];
    const offset: number[] = [];
    let t = 0.2;
    while (t < duration) {
      // Bursts of speech separated by pauses, ~2.5 words/s on average.
      const burst = 3 + r.int(12);
      for (let k = 0; k < burst && t < duration; k++) {
        const len = 0.18 + 0.3 * r.next();
        const nSyl = 1 + r.int(3);
        let w = '';
        for (let q = 0; q < nSyl; q++) w += SYLLABLES[r.int(SYLLABLES.length)]!;
        text.push(w);
        onset.push(t);
        offset.push(t + len);
        t += len + 0.02 + 0.1 * r.next();
      }
      t += 0.3 + 1.5 * r.next();
    }
    const nTR = Math.ceil((duration + 10 + 5 * tr) / tr) + 5;
    const trTimes = new Float64Array(nTR);
    for (let k = 0; k < nTR; k++) trTimes[k] = tr * k - 10 + tr / 2;
    // Word counts per TR window.
    const rate = new Float64Array(nTR);
    for (let j = 0; j < onset.length; j++) {
      const mid = (onset[j]! + offset[j]!) / 2;
      const k = Math.floor((mid - (trTimes[0]! - tr / 2)) / tr);
      if (k >= 0 && k < nTR) rate[k]! += 1;
    }
    const trim = { start: 10, end: 5 };
    const nRows = nTR - trim.start - trim.end;
    const resp = new Float32Array(nRows * nVox);
    const noise = r.fork('noise');
    for (let v = 0; v < nVox; v++) {
      const sig = new Float64Array(nRows);
      for (let i = 0; i < nRows; i++) {
        const k = i + trim.start;
        let y = 0;
        for (let d = 0; d < delays.length; d++) {
          const src = k - delays[d]!;
          if (src >= 0) y += weights[d * nVox + v]! * rate[src]!;
        }
        sig[i] = y;
      }
      let m = 0;
      for (const y of sig) m += y;
      m /= nRows;
      let sd = 0;
      for (const y of sig) sd += (y - m) ** 2;
      sd = Math.sqrt(sd / nRows) || 1;
      const noiseSd = planted[v] ? sd / snr[v]! : 1;
      for (let i = 0; i < nRows; i++) resp[i * nVox + v] = (planted[v] ? sig[i]! : 0) + noiseSd * noise.normal();
    }
    stories.push(
      memoryStory({
        name: `story${String(s + 1).padStart(2, '0')}`,
        words: { text, onset: Float64Array.from(onset), offset: Float64Array.from(offset) },
        trTimes,
        trim,
        responses: { rows: nRows, cols: nVox, data: resp },
      }),
    );
  }
  const assembly = memoryAssembly(
    {
      subject: `sim-${seed}`,
      tr,
      nVoxels: nVox,
      trimming: 'lebel',
      provenance: { simulator: 'simulateSubject', seed },
      groundTruth: { planted: Array.from(planted), snr: Array.from(snr) },
    },
    stories,
    [stories[stories.length - 1]!.name],
  );
  return { assembly, truth: { planted, weights: { rows: delays.length, cols: nVox, data: weights }, snr } };
}
