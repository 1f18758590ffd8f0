import { createEventBus, isVoxelwiseError, timed, voxelwiseError } from '@voxelwise/core';
import type { Evaluation, EventSink, Logger, Registry, VoxelwiseEvent } from '@voxelwise/core';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { ResolvedConfig } from './config.js';
import { resolveConfig } from './config.js';
import { buildDesign, runContext } from './pipeline.js';
import { RunDirectory, configHash, makeRunId } from './run-dir.js';

/** Options of {@link train}. */
export interface TrainOptions {
  /** The registry to compose stages from. */
  registry: Registry;
  /** Extra event sink (e.g. the CLI's console logger). */
  onEvent?: EventSink;
  signal?: AbortSignal;
  /** Resolve relative paths against this directory. @default process.cwd() */
  cwd?: string;
}

/** What a run returns. */
export interface RunResult {
  runId: string;
  runDir: string;
  config: ResolvedConfig;
  metrics: Record<string, unknown>;
  evaluation: Evaluation;
  /** Milliseconds per stage. */
  timings: Record<string, number>;
  /** The assembly's metadata (e.g. a simulator's ground truth). */
  assemblyMetadata: Record<string, unknown>;
  durationMs: number;
}

function versions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const out: Record<string, string> = { node: process.versions.node };
  for (const name of ['@voxelwise/core', '@voxelwise/trainer']) {
    try {
      out[name] = (require(`${name}/package.json`) as { version: string }).version;
    } catch {
      // not resolvable from here
    }
  }
  return out;
}

/**
 * Runs one encoding-model fit end to end and writes `<outDir>/<run-id>/`.
 *
 * @example
 * const result = await train(config, { registry: createDefaultRegistry() });
 * console.log(result.metrics.median_score);
 */
export async function train(input: unknown, options: TrainOptions): Promise<RunResult> {
  const t0 = Date.now();
  const config = resolveConfig(input);
  const cwd = options.cwd ?? process.cwd();
  const resolved: ResolvedConfig = { ...config, outDir: resolve(cwd, config.outDir), cacheDir: resolve(cwd, config.cacheDir) };
  const hash = configHash(config);
  const runId = makeRunId(config.name, hash);
  const bus = createEventBus();
  const timings: Record<string, number> = {};
  const events: VoxelwiseEvent[] = [];
  bus.subscribe((e) => {
    events.push(e);
    if (e.type === 'stage:end') timings[e.stage] = (timings[e.stage] ?? 0) + e.durationMs;
  });
  if (options.onEvent) bus.subscribe(options.onEvent);
  const ctx = runContext(resolved, bus.emit, options.registry, options.signal);
  // Validate every stage reference before doing any work, so config errors surface at once.
  options.registry.resolveOptions('assembly-source', config.assembly);
  for (const f of config.features) options.registry.resolveOptions('extractor', f);
  options.registry.resolveOptions('downsampler', config.downsampler);
  options.registry.resolveOptions('model', config.model);
  const loggers: Logger[] = [];
  for (const l of config.loggers) loggers.push(await options.registry.create('logger', l, ctx));
  for (const l of loggers) bus.subscribe((e) => l.handle(e));

  const dir = await RunDirectory.create(resolved.outDir, runId);
  bus.emit({ type: 'run:start', runId, runDir: dir.finalDir, config, time: t0 });
  try {
    const source = await options.registry.create('assembly-source', config.assembly, ctx);
    const assembly = await timed(bus.emit, 'assembly', () => source.load(ctx), { kind: 'assembly-source', name: config.assembly.name });
    const design = await timed(bus.emit, 'design', () => buildDesign(resolved, assembly, options.registry, ctx));
    const model = await options.registry.create('model', config.model, ctx);
    const fitted = await timed(bus.emit, `model/${config.model.name}`, () => model.fit({ X: design.Xtrain, Y: design.Ytrain, groups: design.groups }, ctx), { kind: 'model', name: config.model.name });
    const evaluation = await timed(bus.emit, 'evaluate', () => fitted.evaluate(design.Xtest, design.Ytest, ctx));
    const metrics: Record<string, unknown> = {
      ...evaluation.metrics,
      n_voxels: design.Ytrain.cols,
      n_train_trs: design.Xtrain.rows,
      n_test_trs: design.Xtest.rows,
      n_features: design.Xtrain.cols,
      train_stories: design.trainStories,
      test_stories: design.testStories,
    };
    for (const [name, value] of Object.entries(evaluation.metrics)) if (typeof value === 'number') bus.emit({ type: 'metric', name, value });
    await dir.writeJson('config.json', { ...config, configHash: hash });
    await dir.writeJson('metrics.json', metrics);
    await dir.writeJson('scores.json', { r: Array.from(evaluation.voxels.r), alphas: fitted.alphas ? Array.from(fitted.alphas) : null });
    const durationMs = Date.now() - t0;
    await dir.writeJson('run.json', { runId, configHash: hash, timings, durationMs, versions: versions(), info: fitted.info });
    bus.emit({ type: 'run:end', runId, runDir: dir.finalDir, summary: evaluation.metrics, durationMs, status: 'ok' });
    await dir.writeBytes('events.jsonl', events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    const runDir = await dir.commit();
    for (const l of loggers) await l.close?.();
    return { runId, runDir, config, metrics, evaluation, timings, assemblyMetadata: { ...assembly.metadata }, durationMs };
  } catch (error) {
    await dir.discard();
    const aborted = isVoxelwiseError(error, 'E_ABORTED');
    bus.emit({ type: 'run:end', runId, summary: {}, durationMs: Date.now() - t0, status: aborted ? 'aborted' : 'failed' });
    for (const l of loggers) await l.close?.().catch(() => undefined);
    if (error instanceof Error && !isVoxelwiseError(error)) {
      throw voxelwiseError({ code: 'E_INTERNAL', where: 'trainer', message: `run failed: ${error.message}`, cause: error });
    }
    throw error;
  }
}
