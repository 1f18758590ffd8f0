import { voxelwiseError } from '@voxelwise/core';
import { convFrames, convFramesBefore, whisperFrames, whisperFramesBefore, whisperRealFrames } from './frames.js';
import type { SpeechPass } from './readout-hop.js';
import { speechPasses } from './readout-hop.js';
import { SPEECH_POOL_INPUT, speechLayerOutput } from './speech-graph.js';
import type { SpeechModel } from './speech-model.js';
import { storyLogMel } from './whisper-log-mel.js';
import type { SpeechWindows } from './windows.js';

/** How the frames of a window become one row: LITcoder's `pool`. */
export type SpeechPool = 'last' | 'mean';

/** Options of {@link runSpeechWindows}. */
export interface SpeechRunOptions {
  readonly pool: SpeechPool;
  /**
   * Whisper only. `real`: pool over the frames that hold the window's audio (`last` = the last of
   * them). `padded`: over all 1500 frames of the zero-padded 30 s input, as LITcoder does (`last`
   * then reads a frame of padding).
   */
  readonly whisperFrames: 'real' | 'padded';
  /**
   * Whisper only. `padded`: every window is zero-padded to 30 s, as Whisper was trained and as
   * LITcoder runs it. `trimmed`: the encoder reads only the window's own log-mel frames (the
   * position table sliced to match): about 2× less work for 16 s windows, different numbers.
   */
  readonly whisperInput?: 'padded' | 'trimmed';
  /** Encoder passes per onnxruntime call. */
  readonly batchSize: number;
  /**
   * Windows read out of one encoder pass (`hop / chunkSize`, see {@link speechPasses}); 1 (the
   * default) is LITcoder's one pass per window.
   */
  readonly readouts?: number;
  /**
   * Encoder blocks to run: layers `0 … layers − 1` come back and the blocks after them are pruned
   * from the graph (exact). Default: all of them.
   */
  readonly layers?: number;
  readonly threads?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * The model input of the window `[start, end)`. Default: for Whisper the story's shared log-mel
   * ({@link storyLogMel}), otherwise the model's feature extractor. Benchmarks pass a plan they built
   * (and timed) once for the whole story.
   */
  readonly preprocess?: (start: number, end: number) => Float32Array | Promise<Float32Array>;
}

/**
 * Bytes of activations one encoder pass over `contextSamples` samples needs (attention scores
 * dominate Whisper's 1500 frames).
 */
export function bytesPerWindow(model: SpeechModel, contextSamples: number, trimmed = false): number {
  const { info } = model;
  const T =
    info.architecture === 'whisper'
      ? trimmed
        ? whisperRealFrames(info, contextSamples)
        : whisperFrames(info)
      : convFrames(info, contextSamples);
  const input = info.architecture === 'whisper' ? 80 * 2 * T : contextSamples;
  return 4 * (2 * info.nHeads * T * T + 16 * T * info.dModel + 4 * input);
}

const WHERE = 'features-speech:speech';

/** Encoder frames of a pass of `samples` samples. */
function passFrames(model: SpeechModel, samples: number, trimmed: boolean): number {
  const { info } = model;
  if (info.architecture !== 'whisper') return convFrames(info, samples);
  return trimmed ? whisperRealFrames(info, samples) : whisperFrames(info);
}

/**
 * The pooling rows of one pass, `[readouts, T]`: row r reads window `first + r` out of the pass.
 * `last` is the last frame of the real audio up to the window's end, `mean` the mean of the frames
 * of `[end − context, end)`, both by the frame rules of a window ({@link whisperRealFrames},
 * {@link convFrames}) applied to sample offsets inside the pass. A window that is its own pass
 * (`readouts = 1`) gets exactly the row of LITcoder's one pass per window. Rows past `count` stay 0.
 */
function passWeights(
  model: SpeechModel,
  windows: SpeechWindows,
  pass: SpeechPass,
  T: number,
  readouts: number,
  options: SpeechRunOptions,
): Float32Array {
  const { info } = model;
  const whisper = info.architecture === 'whisper';
  // LITcoder's padded-frame rule (`whisperFrames: padded`) pools all T frames whatever the window.
  const allFrames = whisper && options.whisperFrames === 'padded' && options.whisperInput !== 'trimmed';
  const weights = new Float32Array(readouts * T);
  for (let r = 0; r < pass.count; r++) {
    const w = pass.first + r;
    const a = windows.starts[w]! - pass.start;
    const b = windows.ends[w]! - pass.start;
    const lo = allFrames ? 0 : whisper ? whisperFramesBefore(info, a) : convFramesBefore(info, a);
    const hi = allFrames ? T : whisper ? whisperRealFrames(info, b) : Math.min(T, convFrames(info, b));
    if (hi <= lo) {
      throw voxelwiseError({
        code: 'E_OPTIONS_INVALID',
        where: WHERE,
        message: `option "contextSize" gives windows of ${windows.contextSamples} samples, too short for one frame of ${model.source.label}`,
      });
    }
    if (options.pool === 'last') weights[r * T + hi - 1] = 1;
    else weights.fill(1 / (hi - lo), r * T + lo, r * T + hi);
  }
  return weights;
}

/**
 * Checks that a pass fits the model: Whisper reads at most 30 s (`n_samples`), so a readout hop may
 * not make a pass longer (LITcoder's own windows longer than 30 s are cut as its feature extractor
 * cuts them, as before); and LITcoder's padded-frame rule reads the same frames for every window
 * of a pass, so it cannot be combined with a hop.
 */
function checkPasses(model: SpeechModel, windows: SpeechWindows, readouts: number, options: SpeechRunOptions): void {
  const { info } = model;
  if (readouts === 1 || info.architecture !== 'whisper') return;
  const sr = info.sampleRate;
  const chunk = windows.chunkSamples / sr;
  const span = (windows.contextSamples + (readouts - 1) * windows.chunkSamples) / sr;
  const max = (whisperFrames(info) * 2 * (info.hopLength ?? 160)) / sr;
  if (span > max) {
    throw voxelwiseError({
      code: 'E_OPTIONS_INVALID',
      where: WHERE,
      message: `option "hop" (${+(readouts * chunk).toFixed(6)} s) makes each Whisper pass contextSize + hop − chunkSize = ${+span.toFixed(6)} s of audio, more than the ${max} s Whisper reads`,
      got: { hop: readouts * chunk, chunkSize: chunk, contextSize: windows.contextSamples / sr },
      hint: `Use hop ≤ ${+(max - windows.contextSamples / sr + chunk).toFixed(6)} s (a multiple of chunkSize), or a shorter contextSize.`,
    });
  }
  if (options.whisperFrames === 'padded' && options.whisperInput !== 'trimmed') {
    throw voxelwiseError({
      code: 'E_OPTIONS_INVALID',
      where: WHERE,
      message: `option "hop" needs whisperFrames: "real": with "padded" (LITcoder's frame 1,499) every window of a pass would read the same frames`,
      got: { hop: readouts * chunk, whisperFrames: options.whisperFrames },
      hint: 'Leave hop at chunkSize for LITcoder\'s numbers, or use whisperFrames: "real".',
    });
  }
}

/**
 * Runs every window of a story through the edited encoder and returns the pooled layers:
 * `layers[i]` is `windows × d` float32 (LITcoder layer i = `hidden_states[i+1]`), one row per window
 * whatever the hop. Passes of one story all have the same number of samples (see
 * {@link speechPasses}), so `batchSize` of them make one dense tensor.
 */
export async function runSpeechWindows(
  model: SpeechModel,
  samples: Float32Array,
  windows: SpeechWindows,
  options: SpeechRunOptions,
): Promise<Float32Array[]> {
  const { info } = model;
  const n = windows.ends.length;
  const d = info.dModel;
  const nLayers = Math.min(info.nLayers, options.layers ?? info.nLayers);
  const readouts = options.readouts ?? 1;
  const layers = Array.from({ length: nLayers }, () => new Float32Array(n * d));
  if (n === 0) return layers;
  checkPasses(model, windows, readouts, options);
  const whisper = info.architecture === 'whisper';
  const trimmed = whisper && options.whisperInput === 'trimmed';
  const { session, graph, ort } = await model.session(options.threads, trimmed, nLayers);
  const perWindow = await model.preprocessor();
  // Whisper: one STFT of the story serves every pass (exact; see storyLogMel).
  const frontEnd = options.preprocess ? undefined : await model.whisperFrontEnd();
  const shared = frontEnd ? storyLogMel(samples, frontEnd, windows.chunkSamples) : undefined;
  const preprocess = async (start: number, end: number): Promise<Float32Array> =>
    options.preprocess ? options.preprocess(start, end) : shared ? shared(start, end) : perWindow(samples.subarray(start, end));
  const passes = speechPasses(windows, readouts);
  let done = 0;
  for (let p0 = 0; p0 < passes.length;) {
    if (options.signal?.aborted) {
      throw voxelwiseError({ code: 'E_ABORTED', where: WHERE, message: 'speech feature extraction aborted' });
    }
    // A batch is one dense tensor: passes of the same length (all of a story's, but a story
    // shorter than one hop has a single shorter pass).
    const len = passes[p0]!.end - passes[p0]!.start;
    let B = 0;
    while (B < options.batchSize && p0 + B < passes.length && passes[p0 + B]!.end - passes[p0 + B]!.start === len) B++;
    const batch = passes.slice(p0, p0 + B);
    const T = passFrames(model, len, trimmed);
    if (T < 1) {
      throw voxelwiseError({
        code: 'E_OPTIONS_INVALID',
        where: WHERE,
        message: `option "contextSize" gives windows of ${windows.contextSamples} samples, too short for one frame of ${model.source.label}`,
      });
    }
    const inputs: Float32Array[] = [];
    for (const pass of batch) inputs.push(await preprocess(pass.start, pass.end));
    // Whisper features are [mel, 3000] per pass; trimmed keeps the first 2·T frames of each bin.
    const melFrames = whisperFrames(info) * 2;
    const frames = trimmed ? 2 * T : melFrames;
    const mels = whisper ? inputs[0]!.length / melFrames : 1;
    const width = whisper ? mels * frames : inputs[0]!.length;
    const x = new Float32Array(B * width);
    inputs.forEach((a, k) => {
      if (!trimmed) x.set(a, k * width);
      else for (let m = 0; m < mels; m++) x.set(a.subarray(m * melFrames, m * melFrames + frames), k * width + m * frames);
    });
    const dims = whisper ? [B, mels, frames] : [B, width];
    const pool = new Float32Array(B * readouts * T);
    batch.forEach((pass, k) => pool.set(passWeights(model, windows, pass, T, readouts, options), k * readouts * T));
    const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {
      [graph.input]: new ort.Tensor('float32', x, dims),
      [SPEECH_POOL_INPUT]: new ort.Tensor('float32', pool, [B, readouts, T]),
    };
    for (const extra of graph.extraInputs) {
      feeds[extra.name] = new ort.Tensor('int64', new BigInt64Array(B * width).fill(1n), [B, width]);
    }
    const out = await session.run(feeds);
    for (let l = 0; l < nLayers; l++) {
      const t = out[speechLayerOutput(l)];
      if (!t) throw voxelwiseError({ code: 'E_INTERNAL', where: WHERE, message: `layer ${l} missing from the session output` });
      const data = t.data as Float32Array;
      // Rows [k, r] of the output are window first + r of pass k; padding rows are dropped.
      batch.forEach((pass, k) => layers[l]!.set(data.subarray(k * readouts * d, (k * readouts + pass.count) * d), pass.first * d));
    }
    for (const t of Object.values(out)) t.dispose();
    done += batch.reduce((s, pass) => s + pass.count, 0);
    p0 += B;
    options.onProgress?.(done, n);
  }
  return layers;
}
