import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { voxelwiseError } from '@voxelwise/core';
import { createModelPool, filesSha256, loadTransformers, onnxModelSha256 } from '@voxelwise/onnx-tools';
import { buildFeatureGraph } from './feature-graph.js';
import type { ModelInfo, ModelSource, ResolveOptions } from './model-source.js';
import { readModelInfo, resolveModelSource } from './model-source.js';
import type { RunnerModel } from './runner.js';
import type { TextTokenizer } from './tokenizer.js';
import { wrapTokenizer } from './tokenizer.js';

/** Content hashes that identify a model for cache keys. */
export interface ModelIdentity {
  /** SHA-256 of the ONNX file (and its external data, if any). */
  readonly onnx: string;
  /** SHA-256 of `config.json`. */
  readonly config: string;
  /** SHA-256 of `tokenizer.json` + `tokenizer_config.json`. */
  readonly tokenizer: string;
}

/** A model opened for feature extraction; heavy parts load on first use. */
export interface LmModel {
  readonly source: ModelSource;
  readonly info: ModelInfo;
  /** Content hashes (streams the model file once per process). */
  identity(): Promise<ModelIdentity>;
  /** The model's own tokenizer. */
  tokenizer(): Promise<TextTokenizer>;
  /** The edited ONNX session (built once per thread count and shared). */
  runner(threads?: number): Promise<RunnerModel>;
}

/** Every open model of the process, shared by its holders. */
const pool = createModelPool<LmModel, RunnerModel>();

function createModel(source: ModelSource, info: ModelInfo, sessions: Map<string, Promise<RunnerModel>>): LmModel {
  let identity: Promise<ModelIdentity> | undefined;
  let tokenizer: Promise<TextTokenizer> | undefined;
  const tokenizerFiles = [path.join(source.dir, 'tokenizer.json'), path.join(source.dir, 'tokenizer_config.json')];
  return {
    source,
    info,
    identity() {
      identity ??= (async () => {
        return {
          onnx: await onnxModelSha256(source.onnxFile),
          config: await filesSha256([path.join(source.dir, 'config.json')]),
          tokenizer: await filesSha256(tokenizerFiles),
        };
      })();
      return identity;
    },
    tokenizer() {
      tokenizer ??= (async () => {
        const t = await loadTransformers();
        let tok;
        try {
          tok = await t.AutoTokenizer.from_pretrained(source.dir, { local_files_only: true });
        } catch (cause) {
          throw voxelwiseError({
            code: 'E_MODEL_LOAD',
            where: 'features-lm:lm',
            message: `cannot load the tokenizer in ${source.dir}`,
            cause,
            hint: 'The folder needs tokenizer.json and tokenizer_config.json (transformers format).',
          });
        }
        return wrapTokenizer(tok, await filesSha256(tokenizerFiles));
      })();
      return tokenizer;
    },
    runner(threads) {
      const key = String(threads ?? 'default');
      let pending = sessions.get(key);
      if (!pending) {
        pending = (async () => {
          const bytes = await fsp.readFile(source.onnxFile);
          const graph = buildFeatureGraph(bytes, { architecture: info.architecture, nLayers: info.nBlocks, file: source.onnxFile });
          const ort = await import('onnxruntime-node');
          let session;
          try {
            session = await ort.InferenceSession.create(graph.bytes, {
              graphOptimizationLevel: 'all',
              executionMode: 'sequential',
              interOpNumThreads: 1,
              ...(threads !== undefined ? { intraOpNumThreads: threads } : {}),
            });
          } catch (cause) {
            throw voxelwiseError({
              code: 'E_MODEL_LOAD',
              where: 'features-lm:lm',
              message: `onnxruntime cannot open ${source.onnxFile}: ${cause instanceof Error ? cause.message : String(cause)}`,
              cause,
              hint: 'Use an fp32 ONNX export (opset ≥ 13).',
            });
          }
          return {
            ort,
            session,
            inputs: graph.inputs,
            nLayers: info.nBlocks + 1,
            dModel: info.dModel,
            nHeads: info.nHeads,
            padId: info.padId,
          };
        })();
        sessions.set(key, pending);
        pending.catch(() => sessions.delete(key));
      }
      return pending;
    },
  };
}

/**
 * Opens a model (local folder, hub id or alias) for feature extraction, sharing it with every
 * other holder in the process: a layer sweep that creates one `lm` stage per layer loads the
 * model once. Call {@link releaseLmModel} when done.
 */
export async function openLmModel(options: ResolveOptions): Promise<LmModel> {
  const source = await resolveModelSource(options);
  return pool.open(source, async (sessions) => createModel(source, (await readModelInfo(source.dir)).info, sessions));
}

/** Drops one hold on a model; the last release frees its onnxruntime sessions. */
export function releaseLmModel(model: LmModel): Promise<void> {
  return pool.release(model);
}
