import { matrix, voxelwiseError } from '@voxelwise/core';
import type { ExtractorDescription, FeatureExtractor, FeatureSet, StageContext, Story } from '@voxelwise/core';
import { fileSha256 } from '@voxelwise/onnx-tools';
import { loadAudio } from './audio.js';
import type { ResolvedSpeechOptions } from './options.js';
import type { SpeechCacheKeyParts } from './speech-cache.js';
import { readSpeechCacheLayer, SPEECH_CACHE_FORMAT, speechCacheFile, speechCacheKey, writeSpeechCache } from './speech-cache.js';
import type { SpeechModel } from './speech-model.js';
import { openSpeechModel, releaseSpeechModel } from './speech-model.js';
import { readoutsPerPass } from './readout-hop.js';
import { bytesPerWindow, runSpeechWindows } from './speech-runner.js';
import { speechWindows } from './windows.js';

const WHERE = 'features-speech:speech';
const PRODUCER = '@voxelwise/features-speech@0.1.0';

/** All layers of one story. */
export interface SpeechStoryLayers {
  /** `layers[i]` is `windows × dModel` float32: LITcoder layer i (`hidden_states[i + 1]`). */
  readonly layers: readonly Float32Array[];
  /** Feature time of each window (its end), seconds. */
  readonly times: Float64Array;
  readonly dModel: number;
  readonly key: string;
  readonly file?: string;
  readonly fromCache: boolean;
}

/** The `speech` extractor: a {@link FeatureExtractor} plus whole-story access for tools. */
export interface SpeechExtractor extends FeatureExtractor {
  /** Opens the model and reports its shape (`layers` = encoder blocks, LITcoder's 0..L−1). */
  describe(
    ctx: StageContext,
  ): Promise<
    ExtractorDescription & { layers: number; label: string; architecture: string; dModel: number; sampleRate: number; onnxFile: string }
  >;
  /**
   * Every layer of `story`, from the cache when a file holds them all, otherwise computed in one
   * run of every block and cached (whatever `layers` says: all are asked for).
   */
  extractAll(story: Story, ctx: StageContext): Promise<SpeechStoryLayers>;
}

const inflight = new Map<string, Promise<{ layers: Float32Array[]; times: Float64Array }>>();
/** Keys recomputed in this process under `ctx.refresh`: later reads (other layers of a sweep) may use them. */
const refreshed = new Set<string>();

/**
 * Creates the `speech` extractor; the model is opened on first use. A `hop` that is not a whole
 * multiple of `chunkSize` is refused here (`E_OPTIONS_INVALID`).
 */
export function createSpeechExtractor(options: ResolvedSpeechOptions): SpeechExtractor {
  const readouts = readoutsPerPass(options.chunkSize, options.hop);
  let model: Promise<SpeechModel> | undefined;
  const getModel = (ctx: StageContext): Promise<SpeechModel> => {
    model ??= openSpeechModel({
      model: options.model,
      revision: options.revision,
      cacheDir: ctx.cacheDir,
      ...(options.modelFile ? { modelFile: options.modelFile } : {}),
    });
    model.catch(() => (model = undefined));
    return model;
  };
  const id = `speech:${options.model}:${options.layer}`;
  const stage = `features/${id}`;

  const layerIndex = (m: SpeechModel): number => {
    const L = m.info.nLayers;
    const i = options.layer === 'last' ? L - 1 : options.layer < 0 ? L + options.layer : options.layer;
    if (i < 0 || i >= L) {
      throw voxelwiseError({
        code: 'E_OPTIONS_INVALID',
        where: WHERE,
        message: `option "layer" is out of range for ${options.model} (${L} encoder blocks: layers 0..${L - 1}, "last", or −${L}..−1)`,
        got: options.layer,
        hint: 'Layer i is the output of encoder block i (LITcoder: hidden_states[i + 1]).',
      });
    }
    return i;
  };

  const audioOf = (story: Story): string => {
    if (!story.audio) {
      throw voxelwiseError({
        code: 'E_DATA_INVALID',
        where: WHERE,
        message: `story "${story.name}" has no audio file`,
        hint: 'Speech features read the story audio: put stimuli/<story>.wav next to a LeBel dataset, or give the BYO story an audio path.',
      });
    }
    return story.audio.path;
  };

  /** The key parts of a story's files, less the number of layers a file holds. */
  const keyParts = async (m: SpeechModel, story: Story): Promise<Omit<SpeechCacheKeyParts, 'layers'>> => {
    const file = audioOf(story);
    let audio: string;
    try {
      audio = await fileSha256(file);
    } catch (cause) {
      throw voxelwiseError({
        code: 'E_FILE_NOT_FOUND',
        where: WHERE,
        message: `cannot read the audio of story "${story.name}" at ${file}`,
        cause,
        details: { file },
        hint: 'The audio stays where the assembly found it; check the file is still there.',
      });
    }
    return {
      format: SPEECH_CACHE_FORMAT,
      model: await m.identity(),
      audio,
      sampleRate: m.info.sampleRate,
      chunkSize: options.chunkSize,
      contextSize: options.contextSize,
      pool: options.pool,
      whisperFrames: m.info.architecture === 'whisper' && options.whisperInput === 'padded' ? options.whisperFrames : null,
      whisperInput: m.info.architecture === 'whisper' ? options.whisperInput : null,
      hop: options.hop ?? options.chunkSize,
    };
  };

  const compute = async (
    m: SpeechModel,
    story: Story,
    ctx: StageContext,
    depth: number,
  ): Promise<{ layers: Float32Array[]; times: Float64Array }> => {
    const wave = await loadAudio(audioOf(story), m.info.sampleRate);
    const windows = speechWindows(wave.samples.length, m.info.sampleRate, options.chunkSize, options.contextSize);
    const n = windows.ends.length;
    if (n === 0) {
      ctx.emit({
        type: 'log',
        level: 'warn',
        stage,
        message: `story "${story.name}": its audio (${(wave.samples.length / m.info.sampleRate).toFixed(1)} s) is shorter than one context of ${options.contextSize} s; no speech features`,
      });
    }
    // Activations get a quarter of the budget: weights, outputs and the cache need the rest.
    const passSamples = windows.contextSamples + (readouts - 1) * windows.chunkSamples;
    const batchSize =
      options.batchSize ??
      Math.max(1, Math.min(32, Math.floor(ctx.memoryBudget / 4 / bytesPerWindow(m, passSamples, options.whisperInput === 'trimmed'))));
    const passes = Math.ceil(n / readouts);
    const t0 = performance.now();
    ctx.emit({
      type: 'stage:progress',
      stage,
      done: 0,
      total: n,
      unit: 'windows',
      message: `${story.name}: ${n} windows in ${passes} encoder passes (${depth} of ${m.info.nLayers} blocks), ${batchSize} passes per call`,
    });
    const layers = await runSpeechWindows(m, wave.samples, windows, {
      pool: options.pool,
      whisperFrames: options.whisperFrames,
      whisperInput: options.whisperInput,
      batchSize,
      readouts,
      layers: depth,
      ...(options.threads !== undefined ? { threads: options.threads } : {}),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      onProgress: (done, total) => {
        const s = (performance.now() - t0) / 1000;
        ctx.emit({
          type: 'stage:progress',
          stage,
          done,
          total,
          unit: 'windows',
          message: `${story.name}: ${(done / s).toFixed(1)} windows/s, ${((done * options.chunkSize) / s).toFixed(2)} s of audio per s`,
        });
      },
    });
    const seconds = (performance.now() - t0) / 1000;
    if (n > 0) ctx.emit({ type: 'metric', name: 'speech/windows_per_second', value: n / seconds, stage });
    return { layers, times: windows.times };
  };

  /** The layers `want` from the file of `key`, or undefined (a damaged or stale file is reported). */
  const lookup = async (ctx: StageContext, story: Story, key: string, parts: SpeechCacheKeyParts, want: readonly number[]) => {
    const data: Float32Array[] = [];
    let times: Float64Array | undefined;
    for (const layer of want) {
      const read = await readSpeechCacheLayer(ctx.cacheDir, key, parts, layer);
      if (read.status === 'hit') {
        data.push(read.data);
        times = read.times;
        continue;
      }
      if (read.status !== 'miss') {
        ctx.emit({
          type: 'log',
          level: 'warn',
          stage,
          message: `story "${story.name}": cache file ${read.file} is ${read.status} (${read.reason}); recomputing`,
          details: { file: read.file },
        });
      }
      return undefined;
    }
    return times ? { data, times } : undefined;
  };

  const extractLayers = async (story: Story, ctx: StageContext, wanted?: number): Promise<SpeechStoryLayers> => {
    const m = await getModel(ctx);
    const d = m.info.dModel;
    const L = m.info.nLayers;
    const want = wanted === undefined ? Array.from({ length: L }, (_, i) => i) : [wanted];
    // Blocks to run on a miss: up to the layer asked for (`needed`, exact), or all of them.
    const depth = wanted === undefined || options.layers === 'all' ? L : wanted + 1;
    const base = await keyParts(m, story);
    const parts: SpeechCacheKeyParts = { ...base, layers: depth };
    const key = speechCacheKey(parts);
    const file = options.cache ? speechCacheFile(ctx.cacheDir, key) : undefined;
    if (options.cache) {
      // Any file of these settings that holds the layers will do: the one that stops at them, a
      // deeper one, or the one of every layer (`layers: all`, `extractAll`).
      for (let held = Math.max(...want) + 1; held <= L; held++) {
        const p: SpeechCacheKeyParts = { ...base, layers: held };
        const k = speechCacheKey(p);
        if (ctx.refresh === true && !refreshed.has(k)) continue;
        const hit = await lookup(ctx, story, k, p, want);
        if (hit) {
          return { layers: hit.data, times: hit.times, dModel: d, key: k, file: speechCacheFile(ctx.cacheDir, k), fromCache: true };
        }
      }
    }
    let pending = inflight.get(key);
    if (!pending) {
      pending = (async () => {
        const out = await compute(m, story, ctx, depth);
        if (ctx.refresh) refreshed.add(key);
        if (options.cache) {
          try {
            const written = await writeSpeechCache(
              ctx.cacheDir,
              {
                key,
                parts,
                story: story.name,
                nWindows: out.times.length,
                dModel: d,
                model: { label: options.model, architecture: m.info.architecture, ...(m.source.hub ? { hub: m.source.hub } : {}) },
                producer: PRODUCER,
              },
              out.layers,
              out.times,
            );
            ctx.emit({
              type: 'log',
              level: 'debug',
              stage,
              message: `story "${story.name}": ${out.layers.length} layers cached`,
              details: { file: written },
            });
          } catch (cause) {
            throw voxelwiseError({
              code: 'E_IO',
              where: 'features-speech:cache',
              message: `cannot write the speech feature cache for story "${story.name}" under ${ctx.cacheDir}`,
              cause,
              hint: 'Check the cache folder is writable, or set cache: false.',
            });
          }
        }
        return out;
      })();
      inflight.set(key, pending);
      void pending.finally(() => inflight.delete(key)).catch(() => undefined);
    }
    const all = await pending;
    return { layers: want.map((l) => all.layers[l]!), times: all.times, dModel: d, key, ...(file ? { file } : {}), fromCache: false };
  };

  return {
    id,
    level: 'time',
    async describe(ctx) {
      const m = await getModel(ctx);
      return {
        layers: m.info.nLayers,
        label: options.model,
        architecture: m.info.architecture,
        dModel: m.info.dModel,
        sampleRate: m.info.sampleRate,
        onnxFile: m.source.onnxFile,
      };
    },
    extractAll: (story, ctx) => extractLayers(story, ctx),
    async extract(story: Story, ctx: StageContext): Promise<FeatureSet> {
      const m = await getModel(ctx);
      const layer = layerIndex(m);
      const { layers, times, dModel } = await extractLayers(story, ctx, layer);
      return { level: 'time', data: matrix(times.length, dModel, Float32Array.from(layers[0]!)), times: Float64Array.from(times) };
    },
    async dispose() {
      if (!model) return;
      const m = await model.catch(() => undefined);
      model = undefined;
      if (m) await releaseSpeechModel(m);
    },
  };
}
