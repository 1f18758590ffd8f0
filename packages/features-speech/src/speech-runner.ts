import { voxelwiseError } from '@voxelwise/core';
import { convFrames, whisperFrames, whisperRealFrames } from './frames.js';
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
  /** Windows per forward pass. */
  readonly batchSize: number;
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

/** Bytes of activations one window needs (attention scores dominate Whisper's 1500 frames). */
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

/** Frames of the encoder output and the pooling row of one window. */
function poolRow(model: SpeechModel, samples: number, options: SpeechRunOptions): { T: number; weights: Float32Array } {
  const { info } = model;
  const whisper = info.architecture === 'whisper';
  const trimmed = whisper && options.whisperInput === 'trimmed';
  const T = whisper ? (trimmed ? whisperRealFrames(info, samples) : whisperFrames(info)) : convFrames(info, samples);
  const real = whisper && options.whisperFrames === 'real' ? whisperRealFrames(info, samples) : T;
  const weights = new Float32Array(T);
  if (options.pool === 'last') weights[real - 1] = 1;
  else weights.fill(1 / real, 0, real);
  return { T, weights };
}

/**
 * Runs every window of a story through the edited encoder, `batchSize` windows per pass, and
 * returns all layers: `layers[i]` is `windows × d` float32 (LITcoder layer i = `hidden_states[i+1]`).
 * Windows of one story all have `contextSamples` samples, so a batch is one dense tensor.
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
  const layers = Array.from({ length: info.nLayers }, () => new Float32Array(n * d));
  if (n === 0) return layers;
  const trimmed = info.architecture === 'whisper' && options.whisperInput === 'trimmed';
  const { session, graph, ort } = await model.session(options.threads, trimmed);
  const perWindow = await model.preprocessor();
  // Whisper: one STFT of the story serves every window (exact; see storyLogMel).
  const frontEnd = options.preprocess ? undefined : await model.whisperFrontEnd();
  const shared = frontEnd ? storyLogMel(samples, frontEnd, windows.chunkSamples) : undefined;
  const preprocess = async (start: number, end: number): Promise<Float32Array> =>
    options.preprocess ? options.preprocess(start, end) : shared ? shared(start, end) : perWindow(samples.subarray(start, end));
  const { T, weights } = poolRow(model, windows.contextSamples, options);
  if (T < 1) {
    throw voxelwiseError({
      code: 'E_OPTIONS_INVALID',
      where: 'features-speech:speech',
      message: `option "contextSize" gives windows of ${windows.contextSamples} samples, too short for one frame of ${model.source.label}`,
    });
  }
  let done = 0;
  for (let b0 = 0; b0 < n; b0 += options.batchSize) {
    if (options.signal?.aborted) {
      throw voxelwiseError({ code: 'E_ABORTED', where: 'features-speech:speech', message: 'speech feature extraction aborted' });
    }
    const B = Math.min(options.batchSize, n - b0);
    const inputs: Float32Array[] = [];
    for (let w = b0; w < b0 + B; w++) inputs.push(await preprocess(windows.starts[w]!, windows.ends[w]!));
    // Whisper features are [mel, 3000] per window; trimmed keeps the first 2·T frames of each bin.
    const melFrames = whisperFrames(info) * 2;
    const frames = trimmed ? 2 * T : melFrames;
    const mels = info.architecture === 'whisper' ? inputs[0]!.length / melFrames : 1;
    const width = info.architecture === 'whisper' ? mels * frames : inputs[0]!.length;
    const x = new Float32Array(B * width);
    inputs.forEach((a, k) => {
      if (!trimmed) x.set(a, k * width);
      else for (let m = 0; m < mels; m++) x.set(a.subarray(m * melFrames, m * melFrames + frames), k * width + m * frames);
    });
    const dims = info.architecture === 'whisper' ? [B, mels, frames] : [B, width];
    const pool = new Float32Array(B * T);
    for (let k = 0; k < B; k++) pool.set(weights, k * T);
    const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {
      [graph.input]: new ort.Tensor('float32', x, dims),
      [SPEECH_POOL_INPUT]: new ort.Tensor('float32', pool, [B, 1, T]),
    };
    for (const extra of graph.extraInputs) {
      feeds[extra.name] = new ort.Tensor('int64', new BigInt64Array(B * width).fill(1n), [B, width]);
    }
    const out = await session.run(feeds);
    for (let l = 0; l < info.nLayers; l++) {
      const t = out[speechLayerOutput(l)];
      if (!t)
        throw voxelwiseError({
          code: 'E_INTERNAL',
          where: 'features-speech:speech',
          message: `layer ${l} missing from the session output`,
        });
      layers[l]!.set(t.data as Float32Array, b0 * d);
    }
    for (const t of Object.values(out)) t.dispose();
    done += B;
    options.onProgress?.(done, n);
  }
  return layers;
}
