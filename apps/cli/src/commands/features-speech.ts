import type { Assembly, StageContext } from '@voxelwise/core';
import type { CommandEnv } from '../command.js';
import { usageError } from '../command.js';

/** What `voxelwise features extract --extractor speech` needs from the parsed command line. */
export interface SpeechExtractArgs {
  readonly model: string;
  readonly revision?: string;
  readonly chunkSize?: string;
  readonly contextSize?: string;
  readonly pool?: string;
  readonly hop?: string;
  readonly whisperFrames?: string;
  readonly whisperInput?: string;
  readonly batchSize?: number;
  readonly threads?: number;
  readonly layers?: string;
  readonly json?: boolean;
}

function seconds(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw usageError(`${flag} must be a positive number of seconds (got "${text}")`);
  return n;
}

/**
 * Fills the speech cache for `names`: every encoder layer of every story's audio over LITcoder's
 * windows, one Arrow file per story, with progress per story through `ctx`'s events.
 */
export async function extractSpeech(
  args: SpeechExtractArgs,
  assembly: Assembly,
  names: readonly string[],
  ctx: StageContext,
  env: CommandEnv,
): Promise<void> {
  const [{ createSpeechExtractor, speechOptionsSchema }, { parseLayers }, { voxelwiseError }] = await Promise.all([
    import('../optional-speech.js').then((m) => m.importFeaturesSpeech('features extract --extractor speech')),
    import('../overrides.js'),
    import('@voxelwise/core'),
  ]);
  const parsed = speechOptionsSchema.safeParse({
    model: args.model,
    layer: 'last',
    ...(args.revision !== undefined ? { revision: args.revision } : {}),
    ...(args.chunkSize !== undefined ? { chunkSize: seconds('--chunk-size', args.chunkSize) } : {}),
    ...(args.contextSize !== undefined ? { contextSize: seconds('--context-size', args.contextSize) } : {}),
    ...(args.pool !== undefined ? { pool: args.pool } : {}),
    ...(args.hop !== undefined ? { hop: seconds('--hop', args.hop) } : {}),
    ...(args.whisperFrames !== undefined ? { whisperFrames: args.whisperFrames } : {}),
    ...(args.whisperInput !== undefined ? { whisperInput: args.whisperInput } : {}),
    ...(args.batchSize !== undefined ? { batchSize: args.batchSize } : {}),
    ...(args.threads !== undefined ? { threads: args.threads } : {}),
  });
  if (!parsed.success) throw usageError(parsed.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; '));
  const extractor = createSpeechExtractor(parsed.data);
  try {
    const model = await extractor.describe(ctx);
    const layers =
      args.layers === undefined || args.layers === 'all' ? Array.from({ length: model.layers }, (_, i) => i) : parseLayers(args.layers);
    const bad = layers.filter((l) => l >= model.layers || l < -model.layers);
    if (bad.length > 0)
      throw usageError(`--layers ${args.layers}: ${model.label} has layers 0..${model.layers - 1} (got ${bad.join(', ')})`);
    if (!args.json)
      env.out.write(
        `model ${model.label} (${model.architecture}, ${model.layers} layers × ${model.dModel}, ${model.sampleRate} Hz) from ${model.onnxFile}\n`,
      );
    const rows: Array<{ story: string; windows: number; cached: boolean; seconds: number; file?: string }> = [];
    for (const name of names) {
      const story = await assembly.story(name);
      if (!story.audio) {
        throw voxelwiseError({
          code: 'E_DATA_INVALID',
          where: 'cli:features',
          message: `story "${name}" has no audio file in the assembly`,
          hint: 'Re-import the assembly with the audio next to it (stimuli/<story>.wav for ds003020, an audio path per story for BYO).',
        });
      }
      const t0 = performance.now();
      const result = await extractor.extractAll(story, ctx);
      const row = {
        story: name,
        windows: result.times.length,
        cached: result.fromCache,
        seconds: (performance.now() - t0) / 1000,
        ...(result.file ? { file: result.file } : {}),
      };
      rows.push(row);
      if (!args.json)
        env.out.write(
          `  ${name.padEnd(24)} ${String(row.windows).padStart(6)} windows  ${row.cached ? 'cached  ' : 'computed'}  ${row.seconds.toFixed(1).padStart(7)} s  ${row.file ?? ''}\n`,
        );
    }
    if (args.json) env.out.write(`${JSON.stringify({ model, layers, memoryBudget: ctx.memoryBudget, stories: rows }, null, 2)}\n`);
    else
      env.out.write(
        `${rows.length} ${rows.length === 1 ? 'story' : 'stories'}, layers ${layers.length === model.layers ? 'all' : layers.join(',')} ready in ${ctx.cacheDir}\n`,
      );
  } finally {
    await extractor.dispose?.();
  }
}
