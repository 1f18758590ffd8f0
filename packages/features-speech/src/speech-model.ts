import { existsSync, promises as fsp, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { voxelwiseError } from '@voxelwise/core';
import { writeFileAtomic } from '@voxelwise/io';
import { createModelPool, filesSha256, hubModelDir, isOffline, loadTransformers, onnxModelSha256 } from '@voxelwise/onnx-tools';
import type { InferenceSession } from 'onnxruntime-node';
import { SPEECH_MODEL_ALIASES, SPEECH_ONNX_CANDIDATES } from './aliases.js';
import type { SpeechGraph } from './speech-graph.js';
import { buildSpeechGraph } from './speech-graph.js';
import type { WhisperFrontEnd } from './whisper-log-mel.js';

const WHERE = 'features-speech:speech';

/** Architectures the `speech` extractor runs (HF `config.model_type`). */
export const SPEECH_ARCHITECTURES = ['whisper', 'wav2vec2', 'hubert'] as const;

/** One of {@link SPEECH_ARCHITECTURES}. */
export type SpeechArchitecture = (typeof SPEECH_ARCHITECTURES)[number];

/** What the extractor needs to know about a model, from `config.json` and `preprocessor_config.json`. */
export interface SpeechModelInfo {
  readonly architecture: SpeechArchitecture;
  /** Encoder blocks L; LITcoder's layers are 0..L−1 (`hidden_states[i + 1]`). */
  readonly nLayers: number;
  readonly dModel: number;
  readonly nHeads: number;
  /** Sampling rate the model reads. */
  readonly sampleRate: number;
  /** Whisper: samples per log-mel frame, and frames of the 30 s input. */
  readonly hopLength?: number;
  readonly melFrames?: number;
  /** wav2vec 2.0 / HuBERT: the feature encoder's kernels and strides. */
  readonly conv?: { readonly kernels: readonly number[]; readonly strides: readonly number[] };
}

/** Where a model's files are on this machine. */
export interface SpeechModelSource {
  readonly label: string;
  readonly dir: string;
  readonly onnxFile: string;
  readonly hub?: { readonly repo: string; readonly revision: string };
}

/** Content hashes that identify a model for cache keys. */
export interface SpeechModelIdentity {
  /** SHA-256 of the ONNX file (and its external data). */
  readonly onnx: string;
  readonly config: string;
  readonly preprocessor: string;
}

/** A preprocessor: one window of samples → the model input, flattened. */
export type SpeechPreprocessor = (window: Float32Array) => Promise<Float32Array>;

/** An opened speech model; heavy parts load on first use and are shared in the process. */
export interface SpeechModel {
  readonly source: SpeechModelSource;
  readonly info: SpeechModelInfo;
  identity(): Promise<SpeechModelIdentity>;
  /** The transformers.js feature extractor of the folder (Whisper log-mel, wav2vec 2.0 normalisation). */
  preprocessor(): Promise<SpeechPreprocessor>;
  /** Whisper: the extractor's STFT settings, filters and window, for the shared log-mel of a story. */
  whisperFrontEnd(): Promise<WhisperFrontEnd | undefined>;
  /**
   * The edited onnxruntime session (one per thread count, input mode and depth). `trimmed`
   * (Whisper) slices the position table so the encoder reads fewer than 3000 log-mel frames;
   * `layers` (default all) keeps blocks `0 … layers − 1` and prunes the rest.
   */
  session(
    threads?: number,
    trimmed?: boolean,
    layers?: number,
  ): Promise<{ session: InferenceSession; graph: SpeechGraph; ort: typeof import('onnxruntime-node') }>;
}

/** Options of {@link openSpeechModel}. */
export interface SpeechModelOptions {
  readonly model: string;
  readonly revision?: string;
  readonly modelFile?: string;
  readonly cacheDir: string;
}

function loadError(label: string, tried: string[], hint: string, cause?: unknown): Error {
  return voxelwiseError({
    code: 'E_MODEL_LOAD',
    where: WHERE,
    message: `cannot load speech model "${label}"; tried: ${tried.join('; ')}`,
    ...(cause === undefined ? {} : { cause }),
    details: { model: label, tried },
    hint,
  });
}

async function readJson(file: string): Promise<Record<string, unknown>> {
  try {
    return JSON.parse(await fsp.readFile(file, 'utf8')) as Record<string, unknown>;
  } catch (cause) {
    throw voxelwiseError({
      code: 'E_MODEL_LOAD',
      where: WHERE,
      message: `cannot read ${file}`,
      cause,
      hint: 'The model folder needs a valid JSON file there.',
    });
  }
}

function modelType(dir: string): string | undefined {
  try {
    return String((JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as Record<string, unknown>)['model_type'] ?? '');
  } catch {
    return undefined;
  }
}

function findOnnx(dir: string, modelFile: string | undefined): string | undefined {
  if (!existsSync(path.join(dir, 'config.json')) || !existsSync(path.join(dir, 'preprocessor_config.json'))) return undefined;
  const type = modelType(dir) as SpeechArchitecture | undefined;
  // An unknown model_type tries every layout, so the error that follows names the architecture.
  const candidates = modelFile
    ? [modelFile]
    : type && type in SPEECH_ONNX_CANDIDATES
      ? SPEECH_ONNX_CANDIDATES[type]
      : [...new Set(Object.values(SPEECH_ONNX_CANDIDATES).flat())];
  for (const c of candidates) {
    const f = path.join(dir, c);
    if (existsSync(f)) return f;
  }
  return undefined;
}

/** Finds a model's files: a local folder, or an alias / hub id downloaded once into `<cacheDir>/hub`. */
export async function resolveSpeechModel(options: SpeechModelOptions): Promise<SpeechModelSource> {
  const { model, modelFile } = options;
  const revision = options.revision ?? 'main';
  const tried: string[] = [];
  const asPath = path.resolve(model);
  const looksLikePath = model.startsWith('.') || model.startsWith('/') || path.isAbsolute(model) || model.includes('\\');
  if (existsSync(asPath) && statSync(asPath).isDirectory()) {
    const onnxFile = findOnnx(asPath, modelFile);
    if (onnxFile) return { label: model, dir: asPath, onnxFile };
    tried.push(
      `local folder ${asPath} (needs config.json, preprocessor_config.json and ${modelFile ?? 'onnx/encoder_model.onnx (Whisper) or onnx/model.onnx'})`,
    );
    throw loadError(
      model,
      tried,
      'Put an fp32 ONNX export there (optimum-cli export onnx --model openai/whisper-base <dir>), or pass a hub id.',
    );
  }
  tried.push(`local folder ${asPath} (not found)`);
  if (looksLikePath) throw loadError(model, tried, 'Check the path.');
  const repo = SPEECH_MODEL_ALIASES[model]?.repo ?? model;
  if (!/^[\w.-]+(\/[\w.-]+)?$/.test(repo))
    throw loadError(model, tried, 'Pass a hub id such as "Xenova/whisper-base", an alias, or a folder path.');
  const hubRoot = path.join(path.resolve(options.cacheDir), 'hub');
  const dir = hubModelDir(options.cacheDir, repo, revision);
  const hub = { repo, revision };
  const cached = findOnnx(dir, modelFile);
  if (cached) return { label: model, dir, onnxFile: cached, hub };
  tried.push(`hub "${repo}" at revision "${revision}" in ${dir} (not downloaded yet)`);
  if (isOffline()) throw loadError(model, tried, 'HF_HUB_OFFLINE is set: unset it to download, or copy the model folder there.');
  const t = await loadTransformers();
  try {
    // config.json and preprocessor_config.json through transformers.js (its cache layout), then
    // only the encoder's ONNX file: a Whisper repository also holds decoders we never run.
    const config = (await t.AutoConfig.from_pretrained(repo, { revision, cache_dir: hubRoot })) as unknown as { model_type?: string };
    await t.AutoFeatureExtractor.from_pretrained(repo, { revision, cache_dir: hubRoot });
    const type = (config.model_type ?? '') as SpeechArchitecture;
    const file = modelFile ?? (type in SPEECH_ONNX_CANDIDATES ? SPEECH_ONNX_CANDIDATES[type][0] : 'onnx/model.onnx');
    await download(`${t.env.remoteHost}${repo}/resolve/${encodeURIComponent(revision)}/${file}`, path.join(dir, file));
  } catch (cause) {
    tried.push(`download from ${t.env.remoteHost}${repo} (${cause instanceof Error ? cause.message.split('\n')[0] : String(cause)})`);
    throw loadError(model, tried, 'Check the model id and revision, the network (or HF_ENDPOINT), and HF_TOKEN for gated models.', cause);
  }
  const onnxFile = findOnnx(dir, modelFile);
  if (onnxFile) return { label: model, dir, onnxFile, hub };
  throw loadError(
    model,
    tried,
    'The repository needs an fp32 ONNX export under onnx/ (encoder_model.onnx for Whisper, model.onnx otherwise).',
  );
}

/** Downloads one file of a hub repository (HF_TOKEN sent when set), written atomically. */
async function download(url: string, to: string): Promise<void> {
  const token = process.env['HF_TOKEN'];
  const res = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  await fsp.mkdir(path.dirname(to), { recursive: true });
  await writeFileAtomic(to, new Uint8Array(await res.arrayBuffer()));
}

function num(config: Record<string, unknown>, keys: string[], file: string): number {
  for (const k of keys) {
    const v = config[k];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  throw voxelwiseError({ code: 'E_MODEL_LOAD', where: WHERE, message: `${file} lacks ${keys.join(' / ')}` });
}

/** Reads {@link SpeechModelInfo} from a model folder; other architectures are `E_MODEL_UNSUPPORTED`. */
export async function readSpeechModelInfo(dir: string): Promise<SpeechModelInfo> {
  const file = path.join(dir, 'config.json');
  const config = await readJson(file);
  const pre = await readJson(path.join(dir, 'preprocessor_config.json'));
  const type = String(config['model_type'] ?? '');
  if (!(SPEECH_ARCHITECTURES as readonly string[]).includes(type)) {
    throw voxelwiseError({
      code: 'E_MODEL_UNSUPPORTED',
      where: WHERE,
      message: `unsupported architecture "${type}" in ${file}`,
      expected: SPEECH_ARCHITECTURES,
      hint: 'The speech extractor runs Whisper encoders, wav2vec 2.0 and HuBERT.',
    });
  }
  const sampleRate = num(pre, ['sampling_rate'], path.join(dir, 'preprocessor_config.json'));
  if (type === 'whisper') {
    return {
      architecture: 'whisper',
      nLayers: num(config, ['encoder_layers', 'num_hidden_layers'], file),
      dModel: num(config, ['d_model'], file),
      nHeads: num(config, ['encoder_attention_heads'], file),
      sampleRate,
      hopLength: num(pre, ['hop_length'], file),
      melFrames: num(pre, ['nb_max_frames'], file),
    };
  }
  const kernels = (config['conv_kernel'] as number[] | undefined) ?? [10, 3, 3, 3, 3, 2, 2];
  const strides = (config['conv_stride'] as number[] | undefined) ?? [5, 2, 2, 2, 2, 2, 2];
  return {
    architecture: type as SpeechArchitecture,
    nLayers: num(config, ['num_hidden_layers'], file),
    dModel: num(config, ['hidden_size'], file),
    nHeads: num(config, ['num_attention_heads'], file),
    sampleRate,
    conv: { kernels, strides },
  };
}

/** One session of a model: per thread count, with its graph and the runtime that opened it. */
interface SpeechSession {
  session: InferenceSession;
  graph: SpeechGraph;
  ort: typeof import('onnxruntime-node');
}

/** Every open speech model of the process, shared by its holders. */
const pool = createModelPool<SpeechModel, SpeechSession>();

function createModel(source: SpeechModelSource, info: SpeechModelInfo, sessions: Map<string, Promise<SpeechSession>>): SpeechModel {
  let identity: Promise<SpeechModelIdentity> | undefined;
  let pre: Promise<SpeechPreprocessor> | undefined;
  let extractor: Promise<unknown> | undefined;
  const loadExtractor = () => {
    extractor ??= loadTransformers().then((t) => t.AutoFeatureExtractor.from_pretrained(source.dir, { local_files_only: true }));
    return extractor;
  };
  const input = info.architecture === 'whisper' ? 'input_features' : 'input_values';
  return {
    source,
    info,
    identity() {
      identity ??= (async () => {
        return {
          onnx: await onnxModelSha256(source.onnxFile),
          config: await filesSha256([path.join(source.dir, 'config.json')]),
          preprocessor: await filesSha256([path.join(source.dir, 'preprocessor_config.json')]),
        };
      })();
      return identity;
    },
    preprocessor() {
      pre ??= (async () => {
        const fe = (await loadExtractor()) as (x: Float32Array) => Promise<unknown>;
        return async (window: Float32Array) => {
          const out = (await fe(window)) as Record<string, { data: Float32Array }>;
          const x = out[input];
          if (!x)
            throw voxelwiseError({
              code: 'E_MODEL_LOAD',
              where: WHERE,
              message: `the feature extractor of ${source.dir} gave no ${input}`,
            });
          return x.data;
        };
      })();
      return pre;
    },
    async whisperFrontEnd() {
      if (info.architecture !== 'whisper') return undefined;
      const fe = (await loadExtractor()) as { config: Record<string, unknown>; window: ArrayLike<number> };
      const c = fe.config;
      return {
        nFft: Number(c['n_fft']),
        hop: Number(c['hop_length']),
        nSamples: Number(c['n_samples']),
        nFrames: Number(c['nb_max_frames']),
        melFilters: c['mel_filters'] as number[][],
        window: fe.window,
      };
    },
    session(threads, trimmed = false, layers = info.nLayers) {
      const depth = Math.max(1, Math.min(info.nLayers, layers));
      const key = `${threads ?? 'default'}/${trimmed}/${depth}`;
      let pending = sessions.get(key);
      if (!pending) {
        pending = (async () => {
          const bytes = await fsp.readFile(source.onnxFile);
          const graph = buildSpeechGraph(bytes, {
            nLayers: info.nLayers,
            input,
            file: source.onnxFile,
            ...(trimmed && info.architecture === 'whisper' ? { trimPositions: Math.floor((info.melFrames ?? 3000) / 2) } : {}),
            ...(depth < info.nLayers ? { upToLayer: depth - 1 } : {}),
          });
          const ort = await import('onnxruntime-node');
          try {
            const session = await ort.InferenceSession.create(graph.bytes, {
              graphOptimizationLevel: 'all',
              executionMode: 'sequential',
              interOpNumThreads: 1,
              ...(threads !== undefined ? { intraOpNumThreads: threads } : {}),
            });
            return { session, graph, ort };
          } catch (cause) {
            throw voxelwiseError({
              code: 'E_MODEL_LOAD',
              where: WHERE,
              message: `onnxruntime cannot open ${source.onnxFile}: ${cause instanceof Error ? cause.message : String(cause)}`,
              cause,
              hint: 'Use an fp32 ONNX export (opset ≥ 13).',
            });
          }
        })();
        sessions.set(key, pending);
        pending.catch(() => sessions.delete(key));
      }
      return pending;
    },
  };
}

/**
 * Opens a speech model (folder, hub id or alias), shared with every other holder in the process
 * (a layer sweep loads it once). Call {@link releaseSpeechModel} when done.
 */
export async function openSpeechModel(options: SpeechModelOptions): Promise<SpeechModel> {
  const source = await resolveSpeechModel(options);
  return pool.open(source, async (sessions) => createModel(source, await readSpeechModelInfo(source.dir), sessions));
}

/** Drops one hold on a model; the last release frees its sessions. */
export function releaseSpeechModel(model: SpeechModel): Promise<void> {
  return pool.release(model);
}
