import { parseArgs } from 'node:util';
import { createContext, isVoxelwiseError, voxelwiseError } from '@voxelwise/core';
import { CONTEXT_TYPES, createLmExtractor, lmOptionsSchema, verifyLmCacheFile } from '@voxelwise/features-lm';
import type { LmExtractor } from '@voxelwise/features-lm';
import { consoleLogger } from '@voxelwise/trainer';
import type { Command } from '../command.js';
import { usageError } from '../command.js';
import { parseLayers } from '../overrides.js';

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** Parses a size like `8GB`, `512m` or `2e9` (bytes). */
function parseSize(flag: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?(?:e\d+)?)\s*([kmgt]?)i?b?$/i.exec(text.trim());
  if (!m) throw usageError(`${flag} must be a size such as 8GB or 512MB (got "${text}")`);
  return Number(m[1]) * UNITS[m[2]!.toLowerCase()]!;
}

function integer(flag: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw usageError(`${flag} must be an integer ≥ ${min} (got "${text}")`);
  return n;
}

const options = {
  assembly: { type: 'string', short: 'a' },
  model: { type: 'string', short: 'm' },
  layers: { type: 'string' },
  stories: { type: 'string' },
  context: { type: 'string' },
  lookback: { type: 'string' },
  pooling: { type: 'string' },
  'context-tokenizer': { type: 'string' },
  'sliding-window': { type: 'string' },
  revision: { type: 'string' },
  'batch-size': { type: 'string' },
  threads: { type: 'string' },
  'cache-dir': { type: 'string' },
  'memory-budget': { type: 'string' },
  force: { type: 'boolean' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
} as const;

export const featuresCommand: Command = {
  summary: 'Extract language-model features of an assembly into the cache (features extract)',
  help: `voxelwise features extract --assembly <dir> --model <id|path> [options]

Runs a language model over every story of an assembly once and caches all of its layers
(Arrow IPC under <cache-dir>/features-lm), so later runs and layer sweeps read them instead of
recomputing. Stories already cached are checked and skipped.

Options:
  -a, --assembly <dir>        A voxelwise assembly directory (assembly source "arrow")
  -m, --model <id|path>       Hub id (Xenova/gpt2), alias (gpt2-small, facebook/opt-125m, ...)
                              or a local model folder
  --layers <all|n|list|range> Layers you will use, checked against the model (every layer
                              is cached anyway) (default all)
  --stories <a,b,...>         Only these stories (default every story)
  --context <type>            ${CONTEXT_TYPES.join(' | ')} (default fullcontext)
  --lookback <n>              Context length in tokens (default 256)
  --pooling <p>               lastToken | mean (default lastToken)
  --context-tokenizer <t>     model | gpt2 (LITcoder cuts contexts with GPT-2's) (default model)
  --sliding-window <n>        Positions per window for --context sliding (default the model's)
  --revision <rev>            Hub revision (default main)
  --batch-size <n>            Sequences per forward pass (default from the memory budget)
  --threads <n>               onnxruntime threads (default all cores)
  --cache-dir <dir>           Cache root (default .voxelwise-cache)
  --memory-budget <size>      Memory for activations, e.g. 8GB (default 4GB)
  --force                     Recompute even when cached
  --json                      Print the summary as JSON
  -q, --quiet                 No progress output

Examples:
  voxelwise features extract --assembly data/UTS03 --model gpt2-small --layers all
  voxelwise features extract -a data/UTS03 -m ./models/opt-125m --context sliding --lookback 256
`,
  async run(args, env) {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true });
    const [sub, ...rest] = positionals;
    if (sub !== 'extract') throw usageError(`features needs a subcommand: "voxelwise features extract"${sub ? ` (got "${sub}")` : ''}`);
    if (rest.length > 0) throw usageError(`features extract takes no positional arguments (got "${rest.join(' ')}")`);
    if (!values.assembly) throw usageError('features extract needs --assembly <dir>');
    if (!values.model) throw usageError('features extract needs --model <id|path>');

    const parsed = lmOptionsSchema.safeParse({
      model: values.model,
      layer: 0,
      ...(values.revision !== undefined ? { revision: values.revision } : {}),
      ...(values.context !== undefined ? { contextType: values.context } : {}),
      ...(values.lookback !== undefined ? { lookback: integer('--lookback', values.lookback, 1) } : {}),
      ...(values.pooling !== undefined ? { pooling: values.pooling } : {}),
      ...(values['context-tokenizer'] !== undefined ? { contextTokenizer: values['context-tokenizer'] } : {}),
      ...(values['sliding-window'] !== undefined ? { slidingWindow: integer('--sliding-window', values['sliding-window'], 3) } : {}),
      ...(values['batch-size'] !== undefined ? { batchSize: integer('--batch-size', values['batch-size'], 1) } : {}),
      ...(values.threads !== undefined ? { threads: integer('--threads', values.threads, 1) } : {}),
    });
    if (!parsed.success) {
      throw usageError(parsed.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; '));
    }
    const logger = consoleLogger({ stream: env.err });
    const registry = env.registry();
    const ctx = createContext({
      cacheDir: values['cache-dir'] ?? '.voxelwise-cache',
      ...(values['memory-budget'] !== undefined ? { memoryBudget: parseSize('--memory-budget', values['memory-budget']) } : {}),
      ...(values.force ? { refresh: true } : {}),
      ...(env.signal ? { signal: env.signal } : {}),
      emit: (e) => (values.quiet ? undefined : logger.handle(e)),
      registry,
    });
    const source = await registry.create('assembly-source', { name: 'arrow', options: { path: values.assembly } }, ctx);
    const assembly = await source.load(ctx);
    const names = values.stories
      ? values.stories
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [...assembly.storyNames];
    for (const name of names) {
      if (!assembly.storyNames.includes(name)) {
        throw voxelwiseError({
          code: 'E_CONFIG_INVALID',
          where: 'cli:features',
          message: `--stories names "${name}", which is not in ${values.assembly}`,
          expected: assembly.storyNames,
        });
      }
    }

    const extractor: LmExtractor = createLmExtractor(parsed.data);
    try {
      const model = await extractor.describe(ctx);
      const all = Array.from({ length: model.nLayers }, (_, i) => i);
      const layers = values.layers === undefined || values.layers === 'all' ? all : parseLayers(values.layers);
      const bad = layers.filter((l) => l >= model.nLayers);
      if (bad.length > 0)
        throw usageError(`--layers ${values.layers}: ${model.label} has layers 0..${model.nLayers - 1} (got ${bad.join(', ')})`);
      if (!values.json)
        env.out.write(`model ${model.label} (${model.architecture}, ${model.nLayers} layers × ${model.dModel}) from ${model.dir}\n`);
      const rows: Array<{ story: string; words: number; cached: boolean; seconds: number; file?: string }> = [];
      for (const name of names) {
        const story = await assembly.story(name);
        const t0 = performance.now();
        const result = await extractor.extractAll(story, ctx);
        if (result.file) {
          // Read the file back (every layer's checksum) before reporting it ready.
          const check = await verifyLmCacheFile(result.file);
          if (!check.ok || (check.metadata?.nLayers ?? 0) < model.nLayers) {
            throw voxelwiseError({
              code: 'E_CACHE_CORRUPT',
              where: 'cli:features',
              message: `story "${name}": cache file ${result.file} does not read back (${check.error ?? 'layers missing'})`,
              hint: 'Run "voxelwise cache verify" and "voxelwise cache clear --invalid", then extract again.',
            });
          }
        }
        const row = {
          story: name,
          words: result.nWords,
          cached: result.fromCache,
          seconds: (performance.now() - t0) / 1000,
          ...(result.file ? { file: result.file } : {}),
        };
        rows.push(row);
        if (!values.json)
          env.out.write(
            `  ${name.padEnd(24)} ${String(row.words).padStart(6)} words  ${row.cached ? 'cached  ' : 'computed'}  ${row.seconds.toFixed(1).padStart(7)} s  ${row.file ?? ''}\n`,
          );
      }
      await logger.close?.();
      if (values.json) env.out.write(`${JSON.stringify({ model, layers, stories: rows }, null, 2)}\n`);
      else
        env.out.write(
          `${rows.length} ${rows.length === 1 ? 'story' : 'stories'}, layers ${layers.length === model.nLayers ? 'all' : layers.join(',')} ready in ${ctx.cacheDir}\n`,
        );
      return 0;
    } catch (error) {
      if (isVoxelwiseError(error)) throw error;
      throw voxelwiseError({
        code: 'E_INTERNAL',
        where: 'cli:features',
        message: error instanceof Error ? error.message : String(error),
        cause: error,
      });
    } finally {
      await extractor.dispose?.();
    }
  },
};
