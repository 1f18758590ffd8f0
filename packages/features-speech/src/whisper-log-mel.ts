/** What {@link storyLogMel} needs from a Whisper feature extractor (transformers.js `WhisperFeatureExtractor`). */
export interface WhisperFrontEnd {
  /** `n_fft`, 400. */
  readonly nFft: number;
  /** `hop_length`, 160. */
  readonly hop: number;
  /** `n_samples`, 480,000 (30 s): every window is zero-padded (or cut) to this. */
  readonly nSamples: number;
  /** `nb_max_frames`, 3,000. */
  readonly nFrames: number;
  /** Mel filters, `[mels][nFft / 2 + 1]` (the extractor's `config.mel_filters`). */
  readonly melFilters: readonly (readonly number[])[];
  /** The analysis window (the extractor's periodic Hann `window`). */
  readonly window: ArrayLike<number>;
}

/** Whisper's log-mel floor: `log10(mel_floor)` with `mel_floor = 1e-10`. */
const FLOOR = -10;

/**
 * Whisper log-mel features of every LITcoder window of one story, computed with one STFT of the
 * whole story instead of one 30 s STFT per window. Exact reuse, not an approximation: a frame of
 * a window that lies wholly inside the window's audio is the story's frame at the same sample
 * (the window starts on the hop grid), a frame wholly inside the zero padding has power 0, and
 * the few frames at the window's edges (reflect padding at the start, the audio/zero boundary at
 * the end) are computed from the padded window as transformers.js `spectrogram` does
 * (`center: true`, `pad_mode: 'reflect'`, power 2, `log10_max_norm`); the per-window maximum and
 * `(max(x, max − 8) + 4) / 4` follow (HF `WhisperFeatureExtractor._np_extract_fbank_features`).
 * Returns `undefined` when windows do not start on the hop grid (the caller then runs the
 * extractor per window).
 */
export function storyLogMel(
  samples: Float32Array,
  fe: WhisperFrontEnd,
  chunkSamples: number,
): ((start: number, end: number) => Float32Array) | undefined {
  const { nFft, hop, nSamples, nFrames, melFilters, window } = fe;
  if (chunkSamples % hop !== 0) return undefined;
  const nBins = nFft / 2 + 1;
  const mels = melFilters.length;
  const half = nFft / 2;
  const cos = new Float64Array(nBins * nFft);
  const sin = new Float64Array(nBins * nFft);
  for (let k = 0; k < nBins; k++) {
    for (let j = 0; j < nFft; j++) {
      const a = (2 * Math.PI * ((k * j) % nFft)) / nFft;
      cos[k * nFft + j] = Math.cos(a);
      sin[k * nFft + j] = Math.sin(a);
    }
  }
  const filters = Float64Array.from(melFilters.flat());
  const buf = new Float64Array(nFft);
  const power = new Float64Array(nBins);
  /** log10 mel of one frame whose windowed samples are in `buf`, into `out` at `at` (stride `stride`). */
  const even = new Float64Array(half + 1);
  const odd = new Float64Array(half + 1);
  const logMel = (out: Float32Array, at: number, stride: number): void => {
    // Real input: fold j with n_fft − j (cos is even, sin odd about n_fft / 2), half the products.
    even[0] = buf[0]!;
    even[half] = buf[half]!;
    for (let j = 1; j < half; j++) {
      even[j] = buf[j]! + buf[nFft - j]!;
      odd[j] = buf[j]! - buf[nFft - j]!;
    }
    for (let k = 0; k < nBins; k++) {
      const row = k * nFft;
      let re = even[0]! + even[half]! * cos[row + half]!;
      let im = 0;
      for (let j = 1; j < half; j++) {
        re += even[j]! * cos[row + j]!;
        im += odd[j]! * sin[row + j]!;
      }
      power[k] = re * re + im * im;
    }
    for (let m = 0; m < mels; m++) {
      let s = 0;
      const row = m * nBins;
      for (let k = 0; k < nBins; k++) s += filters[row + k]! * power[k]!;
      out[at + m * stride] = Math.log10(Math.max(1e-10, s));
    }
  };
  // The story's frames: frame g centred on sample g·hop, its support [g·hop − n_fft/2, g·hop + n_fft/2).
  const nGlobal = Math.floor(samples.length / hop) + 1;
  const global = new Float32Array(nGlobal * mels).fill(Number.NaN);
  const globalFrame = (g: number): number => {
    if (Number.isNaN(global[g * mels]!)) {
      const c = g * hop - half;
      for (let j = 0; j < nFft; j++) buf[j] = samples[c + j]! * window[j]!;
      logMel(global, g * mels, 1);
    }
    return g * mels;
  };
  return (start, end) => {
    const len = Math.min(end - start, nSamples);
    const at = (i: number): number => (i < len ? samples[start + i]! : 0);
    // The padded window as transformers.js builds it: nSamples long, reflect-padded by n_fft/2.
    const padded = (p: number): number => {
      let i = p - half;
      if (i < 0) i = -i;
      else if (i >= nSamples) i = 2 * (nSamples - 1) - i;
      return at(i);
    };
    const out = new Float32Array(mels * nFrames);
    const local = new Float32Array(mels);
    let max = -Infinity;
    const g0 = start / hop;
    for (let f = 0; f < nFrames; f++) {
      const lo = f * hop - half;
      const hi = f * hop + half;
      if (lo >= len) {
        for (let m = 0; m < mels; m++) out[m * nFrames + f] = FLOOR;
        max = Math.max(max, FLOOR);
        continue;
      }
      if (lo >= 0 && hi <= len) {
        const g = globalFrame(g0 + f);
        for (let m = 0; m < mels; m++) {
          const v = global[g + m]!;
          out[m * nFrames + f] = v;
          if (v > max) max = v;
        }
        continue;
      }
      for (let j = 0; j < nFft; j++) buf[j] = padded(f * hop + j) * window[j]!;
      logMel(local, 0, 1);
      for (let m = 0; m < mels; m++) {
        out[m * nFrames + f] = local[m]!;
        if (local[m]! > max) max = local[m]!;
      }
    }
    const floor = max - 8;
    for (let i = 0; i < out.length; i++) out[i] = (Math.max(out[i]!, floor) + 4) / 4;
    return out;
  };
}
