import { matrix, voxelwiseError } from '@voxelwise/core';
import type { ExtractorDescription, FeatureExtractor, FeatureSet, StageContext, Story } from '@voxelwise/core';
import { centerRows } from './center-rows.js';
import type { LmCacheKeyParts } from './feature-cache.js';
import { LM_CACHE_FORMAT, lmCacheFile, lmCacheKey, readLmCacheLayer, withLmCacheLock, wordsHash, writeLmCache } from './feature-cache.js';
import type { LmModel } from './lm-model.js';
import { openLmModel, releaseLmModel } from './lm-model.js';
import type { ResolvedLmOptions } from './options.js';
import type { ExtractionPlan } from './plan.js';
import { runPlan } from './runner.js';
import { storyPlan } from './story-plan.js';
import { gpt2Tokenizer } from './tokenizer.js';

const WHERE = 'features-lm:lm';
const PRODUCER = '@voxelwise/features-lm@0.1.0';

/** All layers of one story. */
export interface LmStoryLayers {
  /** `layers[i]` is `nWords × dModel` float32, uncentred. */
  readonly layers: readonly Float32Array[];
  readonly nWords: number;
  readonly dModel: number;
  readonly key: string;
  /** The cache file, when caching is on. */
  readonly file?: string;
  readonly fromCache: boolean;
}

/** The `lm` extractor: a {@link FeatureExtractor} plus whole-story access for tools. */
export interface LmExtractor extends FeatureExtractor {
  /**
   * Opens (or downloads) the model and reports its shape. `layers` (= `nLayers`, the L + 1 hidden
   * states: embeddings and every block's output) is core's {@link ExtractorDescription} field, so
   * the trainer can check a layer sweep, negative layers included, before fitting.
   */
  describe(ctx: StageContext): Promise<
    ExtractorDescription & {
      layers: number;
      label: string;
      architecture: string;
      nLayers: number;
      dModel: number;
      nPositions: number;
      dir: string;
      onnxFile: string;
    }
  >;
  /**
   * Every layer of `story` (uncentred): read from the cache when it holds them all, otherwise
   * computed in one pass and cached (with `cache: false`, computed and not stored).
   */
  extractAll(story: Story, ctx: StageContext): Promise<LmStoryLayers>;
}

const inflight = new Map<string, Promise<Float32Array[]>>();
/** Keys recomputed in this process under `ctx.refresh`: later reads (other layers of a sweep) may use them. */
const refreshed = new Set<string>();

function fmtSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  return s >= 90 ? `${Math.round(s / 60)} min` : `${Math.round(s)} s`;
}

/**
 * Creates the `lm` extractor. Nothing heavy happens here: the model is resolved on the first
 * `extract`, the onnxruntime session only on the first cache miss.
 */
export function createLmExtractor(options: ResolvedLmOptions): LmExtractor {
  let model: Promise<LmModel> | undefined;
  const getModel = (ctx: StageContext): Promise<LmModel> => {
    model ??= openLmModel({
      model: options.model,
      revision: options.revision,
      cacheDir: ctx.cacheDir,
      ...(options.modelFile ? { modelFile: options.modelFile } : {}),
    });
    model.catch(() => (model = undefined));
    return model;
  };
  const id = `lm:${options.model}:${options.layer}`;
  const stage = `features/${id}`;

  const layerIndex = (m: LmModel): number => {
    const n = m.info.nBlocks + 1;
    const i = options.layer < 0 ? n + options.layer : options.layer;
    if (i < 0 || i >= n) {
      throw voxelwiseError({
        code: 'E_OPTIONS_INVALID',
        where: WHERE,
        message: `option "layer" is out of range for ${options.model} (${m.info.nBlocks} blocks: layers 0..${n - 1}, or −${n}..−1 from the end)`,
        got: options.layer,
        hint: 'Layer i is the input of block i (0 = embeddings); layer L is the last block output before the final LayerNorm.',
      });
    }
    return i;
  };

  const window = (m: LmModel): number | null => {
    if (options.contextType !== 'sliding') return null;
    const w = options.slidingWindow ?? m.info.nPositions;
    if (w > m.info.nPositions) {
      throw voxelwiseError({
        code: 'E_OPTIONS_INVALID',
        where: WHERE,
        message: `option "slidingWindow" exceeds the model's ${m.info.nPositions} positions`,
        got: w,
      });
    }
    return w;
  };

  const keyParts = async (m: LmModel, story: Story): Promise<LmCacheKeyParts> => ({
    format: LM_CACHE_FORMAT,
    model: await m.identity(),
    contextTokenizer: options.contextType !== 'sliding' && options.contextTokenizer === 'gpt2' ? (await gpt2Tokenizer()).hash : 'model',
    contextType: options.contextType,
    lookback: options.lookback,
    pooling: options.pooling,
    slidingWindow: window(m),
    words: wordsHash(story.words.text),
  });

  const plan = async (m: LmModel, story: Story): Promise<ExtractionPlan> => {
    const tok = await m.tokenizer();
    const codec = options.contextType !== 'sliding' && options.contextTokenizer === 'gpt2' ? await gpt2Tokenizer() : tok;
    return storyPlan(story.name, story.words.text, options, tok.encode, codec, m.info, window(m));
  };

  const compute = async (m: LmModel, story: Story, ctx: StageContext): Promise<Float32Array[]> => {
    const p = await plan(m, story);
    const runner = await m.runner(options.threads);
    const t0 = performance.now();
    const nTargets = p.sequences.reduce((a, s) => a + s.targets.length, 0);
    ctx.emit({
      type: 'stage:progress',
      stage,
      done: 0,
      total: story.words.text.length,
      unit: 'words',
      message: `${story.name}: ${p.sequences.length} passes, ${p.tokens} tokens`,
    });
    const layers = await runPlan(runner, p, {
      ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
      // Activations get a quarter of the budget: weights, outputs and the cache need the rest.
      memoryBudget: ctx.memoryBudget / 4,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      onProgress: ({ rows, tokens }) => {
        const s = (performance.now() - t0) / 1000;
        const wps = rows / s;
        const eta = (nTargets - rows) / wps;
        ctx.emit({
          type: 'stage:progress',
          stage,
          done: Math.round((rows / Math.max(1, nTargets)) * story.words.text.length),
          total: story.words.text.length,
          unit: 'words',
          message: `${story.name}: ${wps.toFixed(1)} words/s, ${(tokens / s).toFixed(0)} tokens/s, ETA ${fmtSeconds(eta)}`,
        });
      },
    });
    const seconds = (performance.now() - t0) / 1000;
    ctx.emit({ type: 'metric', name: 'lm/words_per_second', value: story.words.text.length / seconds, stage });
    ctx.emit({ type: 'metric', name: 'lm/tokens_per_second', value: p.tokens / seconds, stage });
    return layers;
  };

  /** Reads `layers` from the cache when every one of them is there and sound. */
  const lookup = async (
    story: Story,
    ctx: StageContext,
    key: string,
    parts: LmCacheKeyParts,
    layers: readonly number[],
  ): Promise<{ data: Float32Array[]; file: string } | undefined> => {
    const data: Float32Array[] = [];
    for (const layer of layers) {
      const read = await readLmCacheLayer(ctx.cacheDir, key, parts, layer);
      if (read.status === 'hit') {
        data.push(read.data);
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
    const file = lmCacheFile(ctx.cacheDir, key);
    ctx.emit({
      type: 'log',
      level: 'debug',
      stage,
      message: `story "${story.name}": layer${layers.length === 1 ? '' : 's'} ${layers.join(', ')} read from the cache`,
      details: { file },
    });
    return { data, file };
  };

  /** Layers `wanted` (all when undefined) of a story: from the cache, or computed (all layers at once) and cached. */
  const extractLayers = async (story: Story, ctx: StageContext, wanted?: number): Promise<LmStoryLayers> => {
    if (story.wordTimes.length !== story.words.text.length) {
      throw voxelwiseError({
        code: 'E_ALIGNMENT',
        where: WHERE,
        message: `story "${story.name}" has ${story.words.text.length} words but ${story.wordTimes.length} word times`,
        hint: 'Word-level features need one time per word; check the assembly (voxelwise assembly verify).',
      });
    }
    const m = await getModel(ctx);
    const d = m.info.dModel;
    const nWords = story.words.text.length;
    const parts = await keyParts(m, story);
    const key = lmCacheKey(parts);
    const want = wanted === undefined ? Array.from({ length: m.info.nBlocks + 1 }, (_, i) => i) : [wanted];
    if (options.cache && !(ctx.refresh === true && !refreshed.has(key))) {
      const hit = await lookup(story, ctx, key, parts, want);
      if (hit) return { layers: hit.data, nWords, dModel: d, key, file: hit.file, fromCache: true };
    }
    let pending = inflight.get(key);
    if (!pending) {
      let waited = false;
      const computeAndCache = async () => {
        const layers = await compute(m, story, ctx);
        if (ctx.refresh) refreshed.add(key);
        if (options.cache) {
          const meta = {
            key,
            parts,
            story: story.name,
            nWords,
            dModel: d,
            model: { label: options.model, architecture: m.info.architecture, ...(m.source.hub ? { hub: m.source.hub } : {}) },
            producer: PRODUCER,
          };
          try {
            const file = await writeLmCache(ctx.cacheDir, meta, layers);
            ctx.emit({
              type: 'log',
              level: 'debug',
              stage,
              message: `story "${story.name}": ${layers.length} layers cached`,
              details: { file },
            });
          } catch (cause) {
            throw voxelwiseError({
              code: 'E_IO',
              where: 'features-lm:cache',
              message: `cannot write the feature cache for story "${story.name}" under ${ctx.cacheDir}`,
              cause,
              hint: 'Check the cache folder is writable, or set cache: false.',
            });
          }
        }
        return layers;
      };
      // Several processes (nodes of a cluster) sharing the cache compute each entry once: the
      // others wait for the entry's lock, then read what its holder wrote.
      pending = options.cache
        ? withLmCacheLock(
            ctx.cacheDir,
            key,
            async () => {
              if (waited) {
                const hit = await lookup(
                  story,
                  ctx,
                  key,
                  parts,
                  Array.from({ length: m.info.nBlocks + 1 }, (_, i) => i),
                );
                if (hit) return hit.data;
              }
              return computeAndCache();
            },
            {
              label: `story "${story.name}"`,
              ...(ctx.signal ? { signal: ctx.signal } : {}),
              onWait: ({ owner, takeover }) => {
                waited = true;
                ctx.emit({
                  type: 'log',
                  level: takeover ? 'warn' : 'info',
                  stage,
                  message: takeover
                    ? `story "${story.name}": taking over the cache lock of pid ${owner?.pid} on ${owner?.host}, which stopped`
                    : `story "${story.name}": waiting for pid ${owner?.pid} on ${owner?.host}, which is computing this cache entry`,
                  details: { file: lmCacheFile(ctx.cacheDir, key) },
                });
              },
            },
          )
        : computeAndCache();
      inflight.set(key, pending);
      void pending.finally(() => inflight.delete(key)).catch(() => undefined);
    }
    const all = await pending;
    return {
      layers: want.map((l) => all[l]!),
      nWords,
      dModel: d,
      key,
      ...(options.cache ? { file: lmCacheFile(ctx.cacheDir, key) } : {}),
      fromCache: false,
    };
  };

  return {
    id,
    level: 'word',
    async describe(ctx) {
      const m = await getModel(ctx);
      return {
        label: options.model,
        architecture: m.info.architecture,
        layers: m.info.nBlocks + 1,
        nLayers: m.info.nBlocks + 1,
        dModel: m.info.dModel,
        nPositions: m.info.nPositions,
        dir: m.source.dir,
        onnxFile: m.source.onnxFile,
      };
    },
    extractAll: (story, ctx) => extractLayers(story, ctx),
    async extract(story: Story, ctx: StageContext): Promise<FeatureSet> {
      const m = await getModel(ctx);
      const layer = layerIndex(m);
      const { layers, dModel, nWords } = await extractLayers(story, ctx, layer);
      const values = options.center ? centerRows(layers[0]!, nWords, dModel) : Float32Array.from(layers[0]!);
      return { level: 'word', data: matrix(nWords, dModel, values) };
    },
    async dispose() {
      if (!model) return;
      const m = await model.catch(() => undefined);
      model = undefined;
      if (m) await releaseLmModel(m);
    },
  };
}
