import { env, PreTrainedTokenizer } from '@huggingface/transformers';
import { createContext, matrix } from '@voxelwise/core';
import type { FeatureSet, Matrix } from '@voxelwise/core';
import { wordRateStage } from '@voxelwise/features-basic/wordrate';
import { wrapTokenizer } from '@voxelwise/features-lm/browser';
import type { TextTokenizer } from '@voxelwise/features-lm/browser';
import { decodeFloat16 } from '../float16.js';
import type { WebManifest } from '../manifest.js';
import { designMatrix, frameAt, predictResponses, voxelSeries } from '../pipeline.js';
import type { LoadedWeights } from '../pipeline.js';
import { predictionCsv, predictionNpy } from '../prediction-files.js';
import { textStory, trGridFor } from '../text-story.js';
import { timedWords } from '../timed-input.js';
import type { TimingMode } from '../timed-input.js';
import { textFeatures } from '../text-features.js';
import type { TextFeatureModel } from '../text-features.js';
import { chooseBackend, configureOrt, openRunner, ortThreads } from './ort-runner.js';
import { drawMap, drawSeries } from './plots.js';

/** A prediction as the page keeps it. */
interface Prediction {
  words: readonly string[];
  trTimes: Float64Array;
  P: Matrix<Float32Array>;
  seconds: number;
}

const base = new URL('.', location.href);
const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

function status(text: string, fraction?: number): void {
  $('status-text').textContent = text;
  const bar = $<HTMLProgressElement>('progress');
  if (fraction === undefined) bar.removeAttribute('value');
  else bar.value = fraction;
}

async function fetchBytes(rel: string, label: string, onBytes?: (n: number) => void): Promise<Uint8Array> {
  const res = await fetch(new URL(rel, base));
  if (!res.ok || !res.body) throw new Error(`cannot load ${label} (${rel}: HTTP ${res.status})`);
  const total = Number(res.headers.get('content-length') ?? 0);
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    n += value.byteLength;
    onBytes?.(n);
    if (total > 0) status(`Loading ${label}: ${(n / 1e6).toFixed(1)} of ${(total / 1e6).toFixed(1)} MB`, n / total);
  }
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
}

async function fetchJson<T>(rel: string): Promise<T> {
  const res = await fetch(new URL(rel, base));
  if (!res.ok) throw new Error(`cannot load ${rel} (HTTP ${res.status})`);
  return (await res.json()) as T;
}

async function loadTokenizer(dir: string): Promise<TextTokenizer> {
  const [tokenizerJson, config] = await Promise.all([
    fetchJson<Record<string, unknown>>(`${dir}/tokenizer.json`),
    fetchJson<Record<string, unknown>>(`${dir}/tokenizer_config.json`),
  ]);
  return wrapTokenizer(new PreTrainedTokenizer(tokenizerJson, config), '');
}

async function floats(rel: string, dtype: 'float16' | 'float32', label: string): Promise<Float32Array> {
  const bytes = await fetchBytes(rel, label);
  const copy = bytes.slice().buffer;
  return dtype === 'float16' ? decodeFloat16(new Uint16Array(copy)) : new Float32Array(copy);
}

async function loadWeights(m: WebManifest): Promise<LoadedWeights> {
  const w = m.weights;
  if ('W' in w.files) return { kind: 'dense', W: matrix(w.nFeatures, w.nVoxels, await floats(w.files.W, w.dtype, 'weights')) };
  const k = w.rank!;
  return {
    kind: 'low-rank',
    A: matrix(w.nFeatures, k, await floats(w.files.A, w.dtype, 'weights (A)')),
    B: matrix(k, w.nVoxels, await floats(w.files.B, w.dtype, 'weights (B)')),
  };
}

function download(name: string, data: BlobPart, type: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([data], { type }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

async function start(): Promise<void> {
  const t0 = performance.now();
  // Local files only: the page never asks the hub or a CDN for anything.
  env.allowRemoteModels = false;
  configureOrt(base);
  const manifest = await fetchJson<WebManifest>('web.json');
  const f = manifest.features;
  $('run-info').textContent =
    `Run ${manifest.run.runId} (${manifest.run.variant}) · ${f.label}, layer ${f.layer}, ${f.contextType}, lookback ${f.lookback} · ` +
    `${manifest.weights.nVoxels} voxels · TR ${manifest.tr} s · weights ${manifest.weights.kind}${manifest.weights.rank ? ` rank ${manifest.weights.rank}` : ''} ${manifest.weights.dtype}`;
  const backend = await chooseBackend(new URLSearchParams(location.search).get('backend'));
  const [graph, tokenizer, weights, scores] = await Promise.all([
    fetchBytes(f.onnx, 'the language model'),
    loadTokenizer(f.dir),
    loadWeights(manifest),
    floats(manifest.scores, 'float32', 'scores'),
  ]);
  const codec = f.contextTokenizerDir ? await loadTokenizer(f.contextTokenizerDir) : tokenizer;
  status(`Starting onnxruntime (${backend})…`);
  const runner = await openRunner(graph, f, backend);
  const model: TextFeatureModel = { runner, encode: tokenizer.encode, codec };
  const loadSeconds = (performance.now() - t0) / 1000;

  const order = Array.from(scores.keys()).sort((a, b) => (scores[b] ?? -Infinity) - (scores[a] ?? -Infinity));
  let current: Prediction | undefined;

  /** Runs the whole pipeline on one input; exposed for tests and scripting as `window.voxelwise.predict`. */
  const predict = async (input: string, mode: TimingMode = 'text', wordsPerSecond = 2.5): Promise<Prediction> => {
    const t = performance.now();
    const timed = timedWords(mode, input, { wordsPerSecond, source: 'pasted input' });
    status(`Computing ${f.label} features for ${timed.words.length} words…`, 0);
    const trTimes = trGridFor(timed.times, manifest.tr, manifest.delays);
    const story = textStory(timed, trTimes);
    const parts: FeatureSet[] = [];
    for (const e of manifest.extractors) {
      if (e.name === 'lm') {
        const X = await textFeatures(model, f, timed.words, {
          onProgress: (done, total) => status(`Features: ${done} of ${total} words`, done / Math.max(1, total)),
        });
        parts.push({ level: 'word', data: X });
      } else {
        // The run's own word-rate stage (features-basic) on the text as a story; it needs no context.
        const ctx = createContext();
        const stage = await wordRateStage.create(wordRateStage.options.parse(e.options), ctx);
        parts.push(await stage.extract(story, ctx));
      }
    }
    const P = predictResponses(designMatrix(parts, timed.times, trTimes, manifest), weights);
    return { words: timed.words, trTimes, P, seconds: (performance.now() - t) / 1000 };
  };

  const voxelInput = $<HTMLInputElement>('voxel');
  const timeInput = $<HTMLInputElement>('time');
  voxelInput.max = String(manifest.weights.nVoxels - 1);
  const redraw = (): void => {
    if (!current) return;
    const v = Math.min(manifest.weights.nVoxels - 1, Math.max(0, Number(voxelInput.value) || 0));
    const t = Math.min(current.P.rows - 1, Number(timeInput.value) || 0);
    drawSeries(
      $<HTMLCanvasElement>('series'),
      current.trTimes,
      voxelSeries(current.P, v),
      t,
      `voxel ${v} (test r ${(scores[v] ?? NaN).toFixed(3)})`,
    );
    $('time-label').textContent = `TR ${t} · ${current.trTimes[t]!.toFixed(1)} s`;
    drawMap($<HTMLCanvasElement>('map'), frameAt(current.P, t), order, v);
    $('map-title').textContent = manifest.geometry
      ? `Every voxel at ${current.trTimes[t]!.toFixed(1)} s, sorted by test r (the run has ${manifest.geometry.kind} geometry; this page draws the sorted view)`
      : `Every voxel at ${current.trTimes[t]!.toFixed(1)} s, sorted by test r (best left); the selected voxel is outlined`;
  };
  const best = $('best');
  for (const v of order.slice(0, 8)) {
    const b = document.createElement('button');
    b.textContent = `${v} (${(scores[v] ?? NaN).toFixed(2)})`;
    b.onclick = () => {
      voxelInput.value = String(v);
      redraw();
    };
    best.append(b);
  }
  voxelInput.value = String(order[0] ?? 0);
  voxelInput.oninput = redraw;
  timeInput.oninput = redraw;
  const modeSelect = $<HTMLSelectElement>('mode');
  modeSelect.onchange = () => ($('rate-label').hidden = modeSelect.value !== 'text');
  const button = $<HTMLButtonElement>('predict');
  button.onclick = async () => {
    button.disabled = true;
    try {
      current = await predict(
        $<HTMLTextAreaElement>('text').value,
        modeSelect.value as TimingMode,
        Number($<HTMLInputElement>('rate').value),
      );
      timeInput.max = String(current.P.rows - 1);
      $('results').hidden = false;
      redraw();
      status(`${current.words.length} words → ${current.P.rows} TRs × ${current.P.cols} voxels in ${current.seconds.toFixed(2)} s`, 1);
    } catch (error) {
      status(`Error: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      button.disabled = false;
    }
  };
  $('csv').onclick = () => current && download('prediction.csv', predictionCsv(current.P, current.trTimes), 'text/csv');
  $('npy').onclick = () =>
    current && download('prediction.npy', predictionNpy(current.P) as Uint8Array<ArrayBuffer>, 'application/octet-stream');

  (window as unknown as { voxelwise: unknown }).voxelwise = {
    manifest,
    backend,
    threads: ortThreads(),
    loadSeconds,
    predict: async (input: string, mode?: TimingMode, rate?: number) => {
      const p = await predict(input, mode, rate);
      return {
        words: p.words.length,
        trTimes: Array.from(p.trTimes),
        rows: p.P.rows,
        cols: p.P.cols,
        data: Array.from(p.P.data),
        seconds: p.seconds,
      };
    },
  };
  button.disabled = false;
  status(`Ready (${backend}, loaded in ${loadSeconds.toFixed(1)} s). Type or paste a text and press Predict.`, 1);
  document.documentElement.dataset['ready'] = 'true';
  keepOffline(manifest).catch((error: unknown) => console.warn('the page will not work offline:', error));
}

/**
 * Asks the service worker to keep every file of the export (the page, runtime, model, weights) so
 * the page works offline once loaded; sets `data-offline` on the document when they are stored.
 * Service workers exist only in secure contexts (https, or http on localhost / 127.0.0.1).
 */
async function keepOffline(manifest: WebManifest): Promise<void> {
  if (!('serviceWorker' in navigator)) return;
  await navigator.serviceWorker.register(new URL('sw.js', base));
  const registration = await navigator.serviceWorker.ready;
  const f = manifest.features;
  const files = [
    '',
    'index.html',
    'app.js',
    'app.css',
    'web.json',
    'ort/ort-wasm-simd-threaded.asyncify.mjs',
    'ort/ort-wasm-simd-threaded.asyncify.wasm',
    f.onnx,
    `${f.dir}/tokenizer.json`,
    `${f.dir}/tokenizer_config.json`,
    ...(f.contextTokenizerDir ? [`${f.contextTokenizerDir}/tokenizer.json`, `${f.contextTokenizerDir}/tokenizer_config.json`] : []),
    ...Object.values(manifest.weights.files),
    manifest.scores,
  ];
  navigator.serviceWorker.addEventListener('message', (event) => {
    const data = event.data as { type?: string; ok?: boolean };
    if (data.type === 'precached') document.documentElement.dataset['offline'] = data.ok ? 'true' : 'error';
  });
  registration.active?.postMessage({ type: 'precache', urls: files.map((rel) => new URL(rel, base).href) });
}

start().catch((error: unknown) => {
  status(`Error: ${error instanceof Error ? error.message : String(error)}`);
  document.documentElement.dataset['ready'] = 'error';
  console.error(error);
});
