import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { voxelwiseError } from '@voxelwise/core';
import type { EventSink } from '@voxelwise/core';
import { buildFeatureGraph, openLmModel, releaseLmModel, writeGpt2Tokenizer } from '@voxelwise/features-lm';
import { writeDirAtomic } from '@voxelwise/io';
import { encodeFloat16 } from './float16.js';
import { truncatedSvd } from './low-rank.js';
import type { RankChoice } from './low-rank.js';
import { WEB_EXTRACTORS, WEB_FORMAT } from './manifest.js';
import type { WebExtractor, WebManifest, WebWeights } from './manifest.js';
import { readRunModel } from './run-model.js';

const WHERE = 'web:export';

/** The onnxruntime-web build transformers.js loads in a page (`onnxruntime-web/webgpu`: WASM, WebGPU when present). */
export const ORT_WASM_FILES = ['ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm'] as const;

/** Options of {@link exportWeb}. */
export interface ExportWebOptions {
  /**
   * `full`: the weight matrix as fitted; `auto`: a truncated SVD keeping {@link keep} of `‖W‖²_F`;
   * a number: a truncated SVD of that rank.
   * @default 'full'
   */
  readonly rank?: 'full' | 'auto' | number;
  /** Share of `‖W‖²_F` that `rank: 'auto'` keeps. @default 0.99 */
  readonly keep?: number;
  /** Storage of the weights. @default 'float16' */
  readonly dtype?: 'float16' | 'float32';
  /**
   * Bundle a hub model in the export. A local model folder is always bundled (the page has no other
   * way to read it); a hub model needs this flag, so a large download is never copied unasked.
   * @default false
   */
  readonly bundleModel?: boolean;
  /** Replace an existing output folder. @default false */
  readonly overwrite?: boolean;
  /** Progress and log events. */
  readonly emit?: EventSink;
  /** Folder of the built page (`index.html`, `app.js`). @default the package's `dist/app` */
  readonly appDir?: string;
}

/** What {@link exportWeb} wrote. */
export interface ExportWebResult {
  readonly outDir: string;
  readonly manifest: WebManifest;
}

function bytesOf(a: Float32Array | Uint16Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** The built page shipped with this package (`npm run build` writes it; tests build it first). */
export function defaultAppDir(): string {
  return fileURLToPath(new URL('../dist/app/', import.meta.url));
}

function ortDist(): string {
  // onnxruntime-web exports no ./package.json: find its folder from the main entry.
  const entry = createRequire(import.meta.url).resolve('onnxruntime-web');
  const name = `${sep}onnxruntime-web${sep}`;
  return join(entry.slice(0, entry.lastIndexOf(name) + name.length), 'dist');
}

/**
 * `voxelwise export web`: writes a static folder that predicts the run's voxel responses to any
 * text in a browser: `index.html` and the app bundle, onnxruntime-web's WASM (no CDN), the model's
 * feature graph (cut after the run's layer) and tokenizer, the weights (float16 by default,
 * optionally a truncated SVD) and `web.json` (feature settings, downsampler, delays, z-scoring,
 * geometry, sizes). The folder appears whole or not at all.
 *
 * @example
 * const { manifest } = await exportWeb('results/demo-20260101-120000-1a2b3c4d', 'site', { rank: 'auto' });
 */
export async function exportWeb(runDir: string, outDir: string, options: ExportWebOptions = {}): Promise<ExportWebResult> {
  const emit = options.emit ?? (() => undefined);
  const stage = 'export/web';
  const appDir = options.appDir ?? defaultAppDir();
  const appFiles = ['index.html', 'app.js', 'app.css', 'sw.js'];
  const missing = async (): Promise<string | undefined> => {
    for (const f of appFiles) {
      try {
        await stat(join(appDir, f));
      } catch {
        return join(appDir, f);
      }
    }
    return undefined;
  };
  // In a clone of the repository (sources beside the build script), build the page on first use.
  const builder = fileURLToPath(new URL('../scripts/build-app.mjs', import.meta.url));
  if (options.appDir === undefined && (await missing()) !== undefined && existsSync(builder)) {
    emit({ type: 'log', level: 'info', stage, message: `building the web app (${builder})` });
    await promisify(execFile)(process.execPath, [builder, appDir]);
  }
  const absent = await missing();
  if (absent !== undefined) {
    throw voxelwiseError({
      code: 'E_FILE_NOT_FOUND',
      where: WHERE,
      message: `the web app is not built (${absent} is missing)`,
      hint: 'Build it: npx nx run web:build (or node packages/web/scripts/build-app.mjs).',
      details: { file: absent },
    });
  }
  const runModel = await readRunModel(runDir);
  const lm = runModel.lm;
  const foreign = runModel.features.filter((f) => !(WEB_EXTRACTORS as readonly string[]).includes(f.name));
  if (foreign.length > 0) {
    throw voxelwiseError({
      code: 'E_CONFIG_INVALID',
      where: WHERE,
      message: `run ${runModel.dir} uses extractor${foreign.length > 1 ? 's' : ''} ${foreign.map((f) => f.name).join(', ')}, which the page cannot compute from text`,
      expected: WEB_EXTRACTORS,
      hint: 'voxelwise predict runs any extractor in Node; the page runs lm and wordrate.',
    });
  }
  const extractors: WebExtractor[] = runModel.features.map((f) =>
    f.name === 'lm' ? { name: 'lm' } : { name: 'wordrate', options: f.options },
  );
  const model = await openLmModel({
    model: lm.model,
    revision: lm.revision,
    cacheDir: runModel.cacheDir,
    ...(lm.modelFile ? { modelFile: lm.modelFile } : {}),
  });
  try {
    if (model.source.hub && !options.bundleModel) {
      throw voxelwiseError({
        code: 'E_OPTIONS_INVALID',
        where: WHERE,
        message: `the run's model ${lm.model} comes from the hub (${model.source.hub.repo}); the page runs a bundled copy of its feature graph`,
        hint: 'Pass --bundle-model (bundleModel: true) to copy it into the export.',
      });
    }
    const info = model.info;
    const nLayers = info.nBlocks + 1;
    const layer = lm.layer < 0 ? nLayers + lm.layer : lm.layer;
    if (layer < 0 || layer >= nLayers) {
      throw voxelwiseError({
        code: 'E_OPTIONS_INVALID',
        where: WHERE,
        message: `layer ${lm.layer} is out of range for ${lm.model}`,
        got: lm.layer,
        expected: `0..${nLayers - 1}`,
      });
    }
    emit({ type: 'stage:progress', stage, done: 1, total: 4, unit: 'steps', message: 'feature graph' });
    const graph = buildFeatureGraph(await readFile(model.source.onnxFile), {
      architecture: info.architecture,
      nLayers: info.nBlocks,
      file: model.source.onnxFile,
      upToLayer: layer,
    });
    const W = runModel.weights;
    let weights: WebWeights;
    let weightFiles: Array<[string, Float32Array]>;
    const dtype = options.dtype ?? 'float16';
    const ext = dtype === 'float16' ? 'f16' : 'f32';
    emit({ type: 'stage:progress', stage, done: 2, total: 4, unit: 'steps', message: 'weights' });
    if ((options.rank ?? 'full') === 'full') {
      weightFiles = [[`weights/W.${ext}`, W.data]];
      weights = { dtype, kind: 'dense', nFeatures: W.rows, nVoxels: W.cols, keptVariance: 1, files: { W: `weights/W.${ext}` } };
    } else {
      const choice: RankChoice = options.rank === 'auto' ? { keep: options.keep ?? 0.99 } : { rank: options.rank as number };
      const svd = await truncatedSvd(W, choice);
      weightFiles = [
        [`weights/A.${ext}`, svd.A.data],
        [`weights/B.${ext}`, svd.B.data],
      ];
      weights = {
        dtype,
        kind: 'low-rank',
        nFeatures: W.rows,
        nVoxels: W.cols,
        rank: svd.rank,
        keptVariance: svd.keptVariance,
        files: { A: `weights/A.${ext}`, B: `weights/B.${ext}` },
      };
    }
    const sizes: Record<string, number> = {};
    const manifestBase = {
      format: WEB_FORMAT,
      run: {
        runId: runModel.run.runId,
        name: runModel.run.name,
        ...(runModel.run.assembly.subject ? { subject: runModel.run.assembly.subject } : {}),
        variant: runModel.run.selected,
      },
      tr: runModel.tr,
      extractors,
      features: {
        // A local folder's path would leak the exporting machine's layout; its name is enough.
        label: model.source.hub ? lm.model : basename(model.source.dir),
        dir: 'model',
        onnx: 'model/feature-model.onnx',
        ...(lm.contextType !== 'sliding' && lm.contextTokenizer === 'gpt2' ? { contextTokenizerDir: 'model/context-tokenizer' } : {}),
        architecture: info.architecture,
        layer,
        nOutputs: layer + 1,
        dModel: info.dModel,
        nHeads: info.nHeads,
        nPositions: info.nPositions,
        bosId: info.bosId,
        padId: info.padId,
        inputs: graph.inputs,
        lookback: lm.lookback,
        contextType: lm.contextType,
        pooling: lm.pooling,
        center: lm.center,
        slidingWindow: lm.contextType === 'sliding' ? (lm.slidingWindow ?? info.nPositions) : null,
      },
      downsampler: runModel.design.downsampler,
      delays: runModel.design.delays,
      delayOrder: runModel.design.delayOrder,
      zscoreFeatures: runModel.design.zscoreFeatures,
      zscoreTargets: runModel.zscoreTargets,
      weights,
      scores: 'weights/scores.f32',
      ...(runModel.geometry ? { geometry: runModel.geometry } : {}),
    } as const;
    emit({ type: 'stage:progress', stage, done: 3, total: 4, unit: 'steps', message: 'writing' });
    const manifest = await writeDirAtomic(
      outDir,
      async (tmp) => {
        const put = async (rel: string, data: Uint8Array | string, part: string): Promise<void> => {
          await mkdir(dirname(join(tmp, rel)), { recursive: true });
          await writeFile(join(tmp, rel), data);
          sizes[part] = (sizes[part] ?? 0) + (typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength);
        };
        const copy = async (from: string, rel: string, part: string): Promise<void> => {
          await mkdir(dirname(join(tmp, rel)), { recursive: true });
          await copyFile(from, join(tmp, rel));
          sizes[part] = (sizes[part] ?? 0) + (await stat(from)).size;
        };
        for (const f of appFiles) await copy(join(appDir, f), f, 'app');
        for (const f of ORT_WASM_FILES) await copy(join(ortDist(), f), `ort/${f}`, 'runtime');
        await put('model/feature-model.onnx', graph.bytes, 'model');
        for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json'])
          await copy(join(model.source.dir, f), `model/${f}`, 'model');
        if (manifestBase.features.contextTokenizerDir) {
          await writeGpt2Tokenizer(join(tmp, manifestBase.features.contextTokenizerDir));
          for (const f of ['tokenizer.json', 'tokenizer_config.json'])
            sizes['model'] = (sizes['model'] ?? 0) + (await stat(join(tmp, manifestBase.features.contextTokenizerDir, f))).size;
        }
        for (const [rel, data] of weightFiles) await put(rel, bytesOf(dtype === 'float16' ? encodeFloat16(data) : data), 'weights');
        await put('weights/scores.f32', bytesOf(Float32Array.from(runModel.r)), 'scores');
        const m: WebManifest = { ...manifestBase, sizes: { ...sizes } };
        await put('web.json', `${JSON.stringify(m, null, 2)}\n`, 'manifest');
        return m;
      },
      { overwrite: options.overwrite ?? false, where: WHERE },
    );
    emit({ type: 'stage:progress', stage, done: 4, total: 4, unit: 'steps', message: outDir });
    return { outDir, manifest };
  } finally {
    await releaseLmModel(model);
  }
}
