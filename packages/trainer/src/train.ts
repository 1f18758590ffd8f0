import { createEventBus, isVoxelwiseError, median, timed, voxelwiseError } from '@voxelwise/core';
import type {
  AnyStageRef,
  Assembly,
  Evaluation,
  EventSink,
  Logger,
  Matrix,
  PenaltyReport,
  PluginRecord,
  Registry,
  StageContext,
  StoryOverhang,
  VoxelwiseEvent,
} from '@voxelwise/core';
import { resolve } from 'node:path';
import type { ResolvedConfig } from './config.js';
import { resolveConfig } from './config.js';
import { DesignBuilder, VOXEL_FLAGS, checkAbort, planSplit, runContext } from './pipeline.js';
import { checkStories, checkSweep } from './preflight.js';
import { signedSqrtR2 } from './reported-metric.js';
import type { FeatureStages, SplitPlan } from './pipeline.js';
import { RunDirectory, configHash, makeRunId } from './run-dir.js';
import { topVoxelSeries } from './top-voxels.js';
import type { ScoreColumns } from './arrow-io.js';
import { layerCapableFeatures, withLayer } from './sweep.js';
import { versions } from './versions.js';
import { writeRunOutputs, writeVariant } from './write-run.js';
import type { VariantFiles } from './run-json.js';
import type { VariantResult } from './variant-result.js';
import { scienceKeys } from './science-keys.js';
import type { CleanRunsResult } from './clean-runs.js';
import { rHistograms } from './histograms.js';
import { validationScore } from './validation-score.js';
import { bandedDesign, isBanded, spaceScores } from './spaces.js';

/** Options of {@link train}. */
export interface TrainOptions {
  /** The registry to compose stages from. */
  registry: Registry;
  /** Extra event sink (e.g. the CLI's console logger). */
  onEvent?: EventSink;
  signal?: AbortSignal;
  /** Resolve relative paths against this directory. @default process.cwd() */
  cwd?: string;
  /** Recompute cached results (feature caches) instead of reading them. @default false */
  force?: boolean;
  /**
   * The plugin modules loaded for this run (specifier, resolved file, SHA-256), recorded in
   * `config.json` and `run.json` so a run says which code ran with it. The CLI fills it.
   */
  plugins?: readonly PluginRecord[];
  /**
   * The config file the run came from (path as given, resolved path, SHA-256), recorded beside
   * the plugins: a `.ts`/`.js` config is code that ran too. The CLI fills it.
   */
  configFile?: PluginRecord;
}

/** What a run returns. */
export interface RunResult {
  runId: string;
  runDir: string;
  config: ResolvedConfig;
  /** sha256 of the config's science keys (what changes the numbers). */
  configHash: string;
  /** Headline metrics (of the selected layer in a sweep). */
  metrics: Record<string, unknown>;
  /** Held-out evaluation of the selected variant. */
  evaluation: Evaluation;
  /** Every fitted variant (one, or one per layer). */
  variants: VariantResult[];
  /** Milliseconds per stage. */
  timings: Record<string, number>;
  /** The assembly's metadata (e.g. a simulator's ground truth). */
  assemblyMetadata: Record<string, unknown>;
  /** Path of report.html, when written. */
  reportPath?: string;
  durationMs: number;
}

function numberMetrics(m: Readonly<Record<string, unknown>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(m)) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  return out;
}

/**
 * The columns of `scores.arrow`. λ comes from the model's own penalty report (its convention,
 * e.g. Huth's a² or scikit-learn's alpha); a model that reports none gets no lambda column.
 */
function scoreColumns(
  evaluation: Evaluation,
  alphas: Float64Array | undefined,
  penalty: PenaltyReport | undefined,
  flags: Uint8Array,
): ScoreColumns {
  const v = evaluation.voxels;
  const out: ScoreColumns = { r: v.r, flags };
  if (v.p) out.p = v.p;
  if (v.pCorrected) out.pCorrected = v.pCorrected;
  if (v.significant) out.significant = v.significant;
  if (alphas) out.alpha = alphas;
  if (penalty) {
    if (penalty.lambdas.length !== v.r.length) {
      throw voxelwiseError({
        code: 'E_SHAPE_MISMATCH',
        where: 'trainer:scores',
        message: 'the model reports a penalty for a different number of voxels than it scored',
        got: penalty.lambdas.length,
        expected: v.r.length,
      });
    }
    out.lambda = penalty.lambdas;
  }
  return out;
}

/** Overhangs of the run's stories, by name (only stories that have one). */
async function storyOverhangs(assembly: Assembly, plan: SplitPlan): Promise<Record<string, StoryOverhang>> {
  const names = plan.mode === 'test-stories' ? [...plan.train, ...plan.test] : plan.stories;
  const out: Record<string, StoryOverhang> = {};
  for (const name of names) {
    const overhang = (await assembly.story(name)).overhang;
    if (overhang) out[name] = overhang;
  }
  return out;
}

/** Fits and scores one feature configuration. */
async function fitVariant(
  label: string,
  layer: number | undefined,
  features: AnyStageRef[],
  config: ResolvedConfig,
  plan: SplitPlan,
  builder: DesignBuilder,
  registry: Registry,
  ctx: StageContext,
  assembly: Assembly,
): Promise<VariantResult> {
  const stages: FeatureStages = { extractors: [], downsampler: await registry.create('downsampler', config.downsampler, ctx) };
  try {
    for (const ref of features) stages.extractors.push(await registry.create('extractor', ref, ctx));
    const model = await registry.create('model', config.model, ctx);
    const tag = layer === undefined ? '' : ` (layer ${layer})`;
    if (plan.mode === 'nested-cv') {
      if (!model.crossValidate) {
        throw voxelwiseError({
          code: 'E_CONFIG_INVALID',
          where: 'trainer:split',
          message: `model "${config.model.name}" cannot run nested cross-validation`,
          hint: 'Use split.mode "test-stories", or a model with crossValidate (e.g. ridge-cv).',
        });
      }
      const { design: pooled, layout } = bandedDesign(
        config,
        await timed(ctx.emit, 'design', () => builder.pooled(plan.stories, stages, ctx)),
        ['X'],
      );
      const bands = layout && isBanded(config) ? { bands: layout.bands } : {};
      // Outer folds hold whole stories: the group of a row is its story, or with split.outerFolds = k
      // the k-th part of the story list it falls in (story i → ⌊i·k/n⌋).
      const k = plan.outerFolds;
      const groups = k === undefined ? pooled.groups : pooled.groups.map((g) => Math.floor((g * k) / plan.stories.length));
      checkAbort(ctx);
      const cv = await timed(
        ctx.emit,
        `model/${config.model.name}`,
        () => model.crossValidate!({ X: pooled.X, Y: pooled.Y, groups, ...bands }, ctx),
        { kind: 'model', name: config.model.name },
      );
      const evaluation: Evaluation = { metrics: cv.metrics, voxels: cv.voxels };
      const flags = builder.voxelFlags(cv.voxels.r);
      const counts = flagCounts(flags);
      warnFlagged(ctx, counts, tag);
      if (config.metric === 'signed-sqrt-r2') {
        ctx.emit({
          type: 'log',
          level: 'warn',
          stage: 'evaluate',
          message: 'metric "signed-sqrt-r2" needs held-out predictions; nested CV reports r only',
        });
      }
      const metrics: Record<string, unknown> = {
        ...cv.metrics,
        ...counts,
        n_voxels: pooled.Y.cols,
        n_trs: pooled.X.rows,
        n_features: pooled.X.cols,
        n_outer_folds: cv.folds.length,
        stories: plan.stories,
      };
      ctx.emit({
        type: 'log',
        level: 'info',
        message: `nested CV${tag}: median r ${fmt(metrics['median_score'])} over ${cv.folds.length} outer folds`,
      });
      return {
        label,
        ...(layer === undefined ? {} : { layer }),
        metrics,
        evaluation,
        scores: scoreColumns(evaluation, cv.alphas, undefined, flags),
        columns: pooled.columns,
        info: { ...cv.info, majoritySignificant: cv.majoritySignificant },
      };
    }
    const { design, layout } = bandedDesign(config, await timed(ctx.emit, 'design', () => builder.trainTest(plan, stages, ctx)), [
      'Xtrain',
      'Xtest',
    ]);
    const bands = layout && isBanded(config) ? { bands: layout.bands } : {};
    checkAbort(ctx);
    const fitted = await timed(
      ctx.emit,
      `model/${config.model.name}`,
      () => model.fit({ X: design.Xtrain, Y: design.Ytrain, groups: design.groups, ...bands }, ctx),
      { kind: 'model', name: config.model.name },
    );
    checkAbort(ctx);
    const evaluation = await timed(ctx.emit, 'evaluate', () => fitted.evaluate(design.Xtest, design.Ytest, ctx));
    const cvScore = validationScore(fitted);
    const predictions: Matrix = evaluation.predictions ?? (await fitted.predict(design.Xtest));
    const flags = builder.voxelFlags(evaluation.voxels.r);
    const counts = flagCounts(flags);
    warnFlagged(ctx, counts, tag);
    const reported = config.metric === 'signed-sqrt-r2' ? signedSqrtR2(design.Ytest, predictions) : undefined;
    const spaces = await spaceScores({ config, assembly, model, fitted, evaluation, layout, design, predictions }, ctx);
    const metrics: Record<string, unknown> = {
      ...evaluation.metrics,
      ...(cvScore === undefined ? {} : { cv_score: cvScore }),
      ...(reported
        ? { reported_metric: 'signed-sqrt-r2', median_signed_sqrt_r2: median(reported), mean_signed_sqrt_r2: meanOf(reported) }
        : {}),
      ...counts,
      n_voxels: design.Ytrain.cols,
      n_train_trs: design.Xtrain.rows,
      n_test_trs: design.Xtest.rows,
      n_features: design.Xtrain.cols,
      train_stories: design.trainStories,
      test_stories: design.testStories,
      ...spaces.metrics,
    };
    const timeseries = topVoxelSeries(evaluation.voxels.r, design.Ytest, predictions, design.testRows, config.report.topVoxels);
    ctx.emit({
      type: 'log',
      level: 'info',
      message: `test${tag}: median r ${fmt(metrics['median_score'])}, ${design.Ytest.cols} voxels, ${design.Xtest.rows} test TRs`,
    });
    return {
      label,
      ...(layer === undefined ? {} : { layer }),
      metrics,
      evaluation,
      scores: {
        ...scoreColumns(evaluation, fitted.alphas, fitted.penalty, flags),
        ...(reported ? { signedSqrtR2: reported } : {}),
        ...(Object.keys(spaces.extra).length > 0 ? { extra: spaces.extra } : {}),
      },
      ...(Object.keys(spaces.record).length > 0 ? { spaces: spaces.record } : {}),
      ...(layout ? { bandOrder: layout.order } : {}),
      ...(fitted.penalty ? { penalty: fitted.penalty } : {}),
      ...(fitted.validation ? { alphaGrid: fitted.validation.alphaGrid } : {}),
      timeseries,
      columns: design.columns,
      fitted,
      info: { ...fitted.info },
    };
  } finally {
    for (const ex of stages.extractors) await ex.dispose?.();
  }
}

/** Frees what a fitted model holds outside the heap (e.g. spilled weights), once its files are written. */
async function release(r: VariantResult): Promise<void> {
  await r.fitted?.dispose?.();
  delete r.fitted;
}

/** Counts of flagged voxels for metrics.json (a voxel may carry several flags). */
function flagCounts(flags: Uint8Array): Record<string, number> {
  const count = (bit: number) => flags.reduce((n, f) => n + ((f & bit) !== 0 ? 1 : 0), 0);
  return {
    n_dead_voxels: count(VOXEL_FLAGS.dead),
    n_constant_voxels: count(VOXEL_FLAGS.constant),
    n_zeroed_voxels: count(VOXEL_FLAGS.zeroed),
    n_nonfinite_voxels: count(VOXEL_FLAGS['non-finite']),
  };
}

/** Warns once per run about flagged voxels, with their counts. */
function warnFlagged(ctx: StageContext, counts: Record<string, number>, tag: string): void {
  const parts = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(
      ([k, n]) =>
        `${n} ${k
          .replace(/^n_/, '')
          .replace(/_voxels$/, '')
          .replace('nonfinite', 'non-finite')}`,
    );
  if (parts.length === 0) return;
  ctx.emit({
    type: 'log',
    level: 'warn',
    stage: 'evaluate',
    message: `voxels${tag}: ${parts.join(', ')} (listed in scores.arrow's status column)`,
  });
}

function meanOf(values: Float64Array): number {
  let sum = 0;
  for (const x of values) sum += x;
  return values.length > 0 ? sum / values.length : Number.NaN;
}

/** Tells what leftovers of killed runs the run directory found: removed (this host), or kept (another host's, unmarked). */
function reportLeftovers(emit: EventSink, found: CleanRunsResult): void {
  if (found.removed.length > 0) {
    emit({
      type: 'log',
      level: 'info',
      stage: 'run-dir',
      message: `removed ${found.removed.length} leftovers of killed runs: ${found.removed.map((f) => f.path).join(', ')}`,
    });
  }
  const odd = found.kept.filter((f) => f.state === 'foreign' || f.state === 'unknown');
  if (odd.length > 0) {
    emit({
      type: 'log',
      level: 'warn',
      stage: 'run-dir',
      message: `kept ${odd.length} leftovers that this host cannot check: ${odd
        .map((f) => `${f.path} (${f.state === 'foreign' ? `host ${f.owner?.host}, pid ${f.owner?.pid}` : 'no owner recorded'})`)
        .join(', ')}. Remove them with "voxelwise runs clean" on their host once no run is writing there.`,
    });
  }
}

function fmt(x: unknown): string {
  return typeof x === 'number' ? x.toFixed(4) : String(x);
}

/**
 * Runs one encoding-model fit (or a layer sweep) end to end and writes `<outDir>/<run-id>/`:
 * config, metrics, per-voxel scores and weights as Arrow, timings, versions, events and report.
 *
 * @example
 * const registry = createRegistry().use(assemblies()).use(basicFeatures()).use(downsamplers()).use(ridge());
 * const result = await train(config, { registry });
 * console.log(result.metrics.median_score, result.reportPath);
 */
export async function train(input: unknown, options: TrainOptions): Promise<RunResult> {
  const t0 = Date.now();
  const config = resolveConfig(input);
  const cwd = options.cwd ?? process.cwd();
  const resolved: ResolvedConfig = { ...config, outDir: resolve(cwd, config.outDir), cacheDir: resolve(cwd, config.cacheDir) };
  const hash = configHash(scienceKeys(config));
  const registry = options.registry;

  // Validate every stage reference before doing any work, so config errors surface at once.
  registry.resolveOptions('assembly-source', config.assembly);
  for (const f of config.features) registry.resolveOptions('extractor', f);
  registry.resolveOptions('downsampler', config.downsampler);
  registry.resolveOptions('model', config.model);
  const sweepTargets = config.layers ? layerCapableFeatures(registry, config.features) : [];
  for (const layer of config.layers ?? [])
    for (const f of withLayer(config.features, sweepTargets, layer)) registry.resolveOptions('extractor', f);

  const dir = await RunDirectory.create(resolved.outDir, makeRunId(config.name, hash));
  const runId = dir.runId;
  const bus = createEventBus();
  const timings: Record<string, number> = {};
  bus.subscribe((e) => {
    if (e.type === 'stage:end') timings[e.stage] = (timings[e.stage] ?? 0) + e.durationMs;
  });
  // events.jsonl always goes into the run directory, as events happen.
  bus.subscribe(dir.eventSink('events.jsonl'));
  if (options.onEvent) bus.subscribe(options.onEvent);
  reportLeftovers(bus.emit, dir.leftovers);
  const ctx = runContext(resolved, bus.emit, registry, options.signal, options.force);
  const loggers: Logger[] = [];
  const closeLoggers = async () => {
    for (const l of loggers) await l.close?.().catch(() => undefined);
  };
  try {
    for (const l of config.loggers) loggers.push(await registry.create('logger', l, ctx));
  } catch (error) {
    await dir.discard();
    throw error;
  }
  for (const l of loggers) bus.subscribe((e: VoxelwiseEvent) => l.handle(e));

  bus.emit({ type: 'run:start', runId, runDir: dir.finalDir, config: { ...config, configHash: hash }, time: t0 });
  try {
    // Planning: everything that can be checked before the first extraction and fit.
    const variants = await checkSweep(registry, config, sweepTargets, ctx);
    const source = await registry.create('assembly-source', config.assembly, ctx);
    const assembly: Assembly = await timed(bus.emit, 'assembly', () => source.load(ctx), {
      kind: 'assembly-source',
      name: config.assembly.name,
    });
    const plan = planSplit(config, assembly);
    await checkStories(config, plan, assembly);
    const builder = new DesignBuilder(resolved, assembly);
    const results: VariantResult[] = [];
    const variantFiles: VariantFiles[] = [];
    for (const [i, v] of variants.entries()) {
      checkAbort(ctx);
      if (variants.length > 1)
        bus.emit({ type: 'stage:progress', stage: 'sweep', done: i, total: variants.length, unit: 'layers', message: `layer ${v.layer}` });
      const r = await fitVariant(v.label, v.layer, v.features, resolved, plan, builder, registry, ctx, assembly);
      if (variants.length > 1) {
        // Write each layer as it finishes and let its model go, so a sweep holds one model at a time.
        variantFiles.push(await writeVariant(dir, `layers/${r.label}`, r, config, r.metrics));
        await release(r);
      }
      results.push(r);
      if (v.layer !== undefined) {
        for (const [name, value] of Object.entries(numberMetrics(r.evaluation.metrics)))
          bus.emit({ type: 'metric', name: `layer/${name}`, value, step: v.layer });
      }
    }
    if (variants.length > 1)
      bus.emit({ type: 'stage:progress', stage: 'sweep', done: variants.length, total: variants.length, unit: 'layers' });
    // In a sweep the detailed outputs are those of the layer with the best validation (inner-CV)
    // score, which never looks at the test story; without one, the best median test r.
    const selectedBy = results.every((r) => typeof r.metrics['cv_score'] === 'number') ? 'cv_score' : 'median_score';
    const selected = results.reduce(
      (best, r) => ((r.metrics[selectedBy] as number) > (best.metrics[selectedBy] as number) ? r : best),
      results[0]!,
    );
    const metrics: Record<string, unknown> = { ...selected.metrics };
    if (config.layers) {
      metrics['selected_layer'] = selected.layer;
      metrics['selected_by'] = selectedBy;
      metrics['layers'] = results.map((r) => ({
        layer: r.layer,
        ...numberMetrics(r.evaluation.metrics),
        ...(typeof r.metrics['cv_score'] === 'number' ? { cv_score: r.metrics['cv_score'] } : {}),
      }));
    }
    for (const [name, value] of Object.entries(numberMetrics(selected.evaluation.metrics))) bus.emit({ type: 'metric', name, value });

    const assemblyMetadata = { ...assembly.metadata };
    const overhang = await storyOverhangs(assembly, plan);
    const durationSoFar = Date.now() - t0;
    const reportPath = await timed(bus.emit, 'write', () =>
      writeRunOutputs(dir, {
        runId,
        config,
        configHash: hash,
        plan,
        metrics,
        results,
        selected,
        variantFiles,
        timings,
        versions: versions(),
        assemblyMetadata,
        plugins: options.plugins ?? [],
        ...(options.configFile ? { configFile: options.configFile } : {}),
        overhang,
        ...(sweepTargets.length > 0 ? { sweepTargets } : {}),
        modelOptions: registry.resolveOptions('model', config.model),
        startedAt: new Date(t0).toISOString(),
        durationMs: durationSoFar,
      }),
    );
    const durationMs = Date.now() - t0;
    bus.emit({
      type: 'run:end',
      runId,
      runDir: dir.finalDir,
      summary: { ...numberMetrics(selected.evaluation.metrics), histograms: rHistograms(selected.scores) },
      durationMs,
      status: 'ok',
    });
    await dir.closeSinks();
    const runDir = await dir.commit();
    await closeLoggers();
    return {
      runId,
      runDir,
      config,
      configHash: hash,
      metrics,
      evaluation: selected.evaluation,
      variants: results,
      timings,
      assemblyMetadata,
      ...(reportPath ? { reportPath: resolve(runDir, 'report.html') } : {}),
      durationMs,
    };
  } catch (error) {
    const aborted = isVoxelwiseError(error, 'E_ABORTED') || Boolean(options.signal?.aborted);
    bus.emit({ type: 'run:end', runId, summary: {}, durationMs: Date.now() - t0, status: aborted ? 'aborted' : 'failed' });
    await dir.closeSinks();
    await dir.discard();
    await closeLoggers();
    if (aborted && !isVoxelwiseError(error, 'E_ABORTED'))
      throw voxelwiseError({ code: 'E_ABORTED', where: 'trainer', message: 'run aborted', cause: error });
    if (error instanceof Error && !isVoxelwiseError(error)) {
      throw voxelwiseError({ code: 'E_INTERNAL', where: 'trainer', message: `run failed: ${error.message}`, cause: error });
    }
    throw error;
  }
}
