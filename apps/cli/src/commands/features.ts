import type { LmExtractor } from '@voxelwise/features-lm';
import type { Assembly, StageContext, VoxelwiseEvent } from '@voxelwise/core';
import type { Command, CommandEnv } from '../command.js';
import { usageError } from '../command.js';
import { formatHelp, parseOptions } from '../options.js';

function integer(flag: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw usageError(`${flag} must be an integer ≥ ${min} (got "${text}")`);
  return n;
}

/**
 * What both extractors run on: a context (cache root, memory budget, --force, progress to the
 * logger unless --quiet), the assembly, and the --stories subset, each name checked against it.
 */
async function openStories(
  dir: string,
  values: { stories?: string; 'cache-dir'?: string; force?: boolean; quiet?: boolean },
  memoryBudget: number,
  logger: { handle(e: VoxelwiseEvent): void },
  env: CommandEnv,
): Promise<{ ctx: StageContext; assembly: Assembly; names: string[] }> {
  const { createContext, voxelwiseError } = await import('@voxelwise/core');
  const registry = await env.registry();
  const ctx = createContext({
    cacheDir: values['cache-dir'] ?? '.voxelwise-cache',
    memoryBudget,
    ...(values.force ? { refresh: true } : {}),
    ...(env.signal ? { signal: env.signal } : {}),
    emit: (e) => (values.quiet ? undefined : logger.handle(e)),
    registry,
  });
  const source = await registry.create('assembly-source', { name: 'arrow', options: { path: dir } }, ctx);
  const assembly = await source.load(ctx);
  const names = values.stories
    ? values.stories
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [...assembly.storyNames];
  const missing = names.find((n) => !assembly.storyNames.includes(n));
  if (missing !== undefined) {
    throw voxelwiseError({
      code: 'E_CONFIG_INVALID',
      where: 'cli:features',
      message: `--stories names "${missing}", which is not in ${dir}`,
      expected: assembly.storyNames,
    });
  }
  return { ctx, assembly, names };
}

/** Context policies of features-lm (its `CONTEXT_TYPES`; a test keeps them equal, so --help loads no model code). */
export const CONTEXT_HELP = ['fullcontext', 'nocontext', 'halfcontext', 'sliding'] as const;

const options = {
  extractor: {
    type: 'string',
    short: 'x',
    value: '<lm|speech>',
    description: 'Language-model (lm) or speech-model (speech) features (default lm)',
  },
  assembly: { type: 'string', short: 'a', value: '<dir>', description: 'A voxelwise assembly directory (assembly source "arrow")' },
  model: {
    type: 'string',
    short: 'm',
    value: '<id|path>',
    description: 'Hub id (Xenova/gpt2), alias (gpt2-small, facebook/opt-125m, ...)\nor a local model folder',
  },
  layers: {
    type: 'string',
    value: '<all|n|list|range>',
    description: 'Layers you will use, checked against the model (every layer\nis cached anyway) (default all)',
  },
  stories: { type: 'string', value: '<a,b,...>', description: 'Only these stories (default every story)' },
  context: { type: 'string', value: '<type>', description: `${CONTEXT_HELP.join(' | ')} (default fullcontext)` },
  lookback: { type: 'string', value: '<n>', description: 'Context length in tokens (default 256)' },
  pooling: { type: 'string', value: '<p>', description: 'lastToken | mean (default lastToken)' },
  'context-tokenizer': {
    type: 'string',
    value: '<t>',
    description: "model | gpt2 (LITcoder cuts contexts with GPT-2's) (default model)",
  },
  'sliding-window': { type: 'string', value: '<n>', description: "Positions per window for --context sliding (default the model's)" },
  revision: { type: 'string', value: '<rev>', description: 'Hub revision (default main)' },
  'batch-size': { type: 'string', value: '<n>', description: 'Sequences per forward pass (default from the memory budget)' },
  threads: { type: 'string', value: '<n>', description: 'onnxruntime threads (default all cores)' },
  'cache-dir': { type: 'string', value: '<dir>', description: 'Cache root (default .voxelwise-cache, in the current folder)' },
  'memory-budget': {
    type: 'string',
    value: '<size>',
    description: 'Memory for activations (default 4GB): 8GB = 8·10⁹ bytes, 8GiB = 8·2³⁰',
  },
  'chunk-size': { type: 'string', value: '<s>', description: 'speech: seconds between window ends (default 0.1)' },
  'context-size': { type: 'string', value: '<s>', description: 'speech: seconds of audio per window (default 16)' },
  pool: { type: 'string', value: '<p>', description: "speech: last | mean over the window's frames (default last)" },
  hop: { type: 'string', value: '<s>', description: 'speech: seconds between encoder passes, a multiple of --chunk-size (default it)' },
  'whisper-frames': {
    type: 'string',
    value: '<f>',
    description: 'speech, Whisper: real (frames of the audio) | padded (all 1500, LITcoder) (default real)',
  },
  'whisper-input': {
    type: 'string',
    value: '<i>',
    description: 'speech, Whisper: padded (30 s, as trained and as LITcoder) | trimmed (the window only, ≈ 2× less work) (default padded)',
  },
  force: { type: 'boolean', description: 'Recompute even when cached' },
  json: { type: 'boolean', description: 'Print the summary as JSON' },
  quiet: { type: 'boolean', short: 'q', description: 'No progress output' },
} as const;

export const featuresCommand: Command = {
  help: formatHelp({
    usage: ['voxelwise features extract --assembly <dir> --model <id|path> [--extractor lm|speech] [options]'],
    description: `Runs a language model over every story of an assembly once and caches all of its layers
(Arrow IPC under <cache-dir>/features-lm), so later runs and layer sweeps read them instead of
recomputing. Stories already cached are checked and skipped. With --extractor speech, a speech
model (Whisper encoder, wav2vec 2.0, HuBERT) runs over LITcoder's windows of each story's audio
and every layer goes to <cache-dir>/features-speech.`,
    options,
    examples: [
      'voxelwise features extract --assembly data/UTS03 --model gpt2-small --layers all',
      'voxelwise features extract -a data/UTS03 -m ./models/opt-125m --context sliding --lookback 256',
      'voxelwise features extract -a data/UTS03 -x speech -m openai/whisper-base --chunk-size 0.1 --context-size 16',
    ],
  }),
  async run(args, env) {
    const { values, positionals } = parseOptions('features', options, args);
    const [sub, ...rest] = positionals;
    if (sub !== 'extract') throw usageError(`features needs a subcommand: "voxelwise features extract"${sub ? ` (got "${sub}")` : ''}`);
    if (rest.length > 0) throw usageError(`features extract takes no positional arguments (got "${rest.join(' ')}")`);
    if (!values.assembly) throw usageError('features extract needs --assembly <dir>');
    if (!values.model) throw usageError('features extract needs --model <id|path>');
    // The one size parser of the CLI (GB = 10⁹, GiB = 2³⁰), before anything heavy loads.
    const { isVoxelwiseError, parseSize, voxelwiseError } = await import('@voxelwise/core');
    // The default is train's (the trainer's memoryBudget default), so the two commands agree.
    const memoryBudget = parseSize(values['memory-budget'] ?? '4GB', '--memory-budget');
    const kind = values.extractor ?? 'lm';
    if (kind !== 'lm' && kind !== 'speech') throw usageError(`--extractor must be lm or speech (got "${kind}")`);
    const speechOnly = ['chunk-size', 'context-size', 'pool', 'hop', 'whisper-frames', 'whisper-input'] as const;
    const lmOnly = ['context', 'lookback', 'pooling', 'context-tokenizer', 'sliding-window'] as const;
    const misplaced = (kind === 'lm' ? speechOnly : lmOnly).filter((k) => values[k] !== undefined);
    if (misplaced.length > 0)
      throw usageError(
        `--${misplaced.join(', --')} ${misplaced.length === 1 ? 'applies' : 'apply'} to --extractor ${kind === 'lm' ? 'speech' : 'lm'} only`,
      );
    if (kind === 'speech') {
      const logger = (await import('@voxelwise/trainer')).consoleLogger({ stream: env.err });
      const { ctx, assembly, names } = await openStories(values.assembly, values, memoryBudget, logger, env);
      const { extractSpeech } = await import('./features-speech.js');
      try {
        await extractSpeech(
          {
            model: values.model,
            ...(values.revision !== undefined ? { revision: values.revision } : {}),
            ...(values['chunk-size'] !== undefined ? { chunkSize: values['chunk-size'] } : {}),
            ...(values['context-size'] !== undefined ? { contextSize: values['context-size'] } : {}),
            ...(values.pool !== undefined ? { pool: values.pool } : {}),
            ...(values.hop !== undefined ? { hop: values.hop } : {}),
            ...(values['whisper-frames'] !== undefined ? { whisperFrames: values['whisper-frames'] } : {}),
            ...(values['whisper-input'] !== undefined ? { whisperInput: values['whisper-input'] } : {}),
            ...(values['batch-size'] !== undefined ? { batchSize: integer('--batch-size', values['batch-size'], 1)! } : {}),
            ...(values.threads !== undefined ? { threads: integer('--threads', values.threads, 1)! } : {}),
            ...(values.layers !== undefined ? { layers: values.layers } : {}),
            ...(values.json ? { json: true } : {}),
          },
          assembly,
          names,
          ctx,
          env,
        );
      } finally {
        await logger.close?.();
      }
      return 0;
    }
    const [{ createLmExtractor, lmOptionsSchema, verifyLmCacheFile }, { consoleLogger }, { parseLayers }] = await Promise.all([
      import('../optional-lm.js').then((m) => m.importFeaturesLm('features extract')),
      import('@voxelwise/trainer'),
      import('../overrides.js'),
    ]);

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
    const { ctx, assembly, names } = await openStories(values.assembly, values, memoryBudget, logger, env);

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
      if (values.json) env.out.write(`${JSON.stringify({ model, layers, memoryBudget: ctx.memoryBudget, stories: rows }, null, 2)}\n`);
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
