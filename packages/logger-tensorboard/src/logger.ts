import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { EventSink, Logger, VoxelwiseEvent } from '@voxelwise/core';
import { findChromium } from '@voxelwise/io';
import { screenshotCharts } from './chromium.js';
import { EventFile, eventFilePath } from './event-file.js';
import { fileVersionEvent, histogramEvent, imageEvent, scalarEvent, textEvent } from './events.js';
import { histogramOf, rEdges } from './histogram.js';
import type { ResolvedTensorboardOptions } from './options.js';
import { pngInfo } from './png.js';

/** Tags of the two r histograms (the names the trainer's `run:end` summary uses). */
export const HISTOGRAM_TAGS = { all: 'r/all', significant: 'r/significant' } as const;

/** The config as Markdown for TensorBoard's text dashboard: indented JSON, which renders as code. */
export function configMarkdown(config: unknown): string {
  const json = JSON.stringify(config, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2) ?? 'null';
  return json
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

/** The TensorBoard log directory of a run: the option, else `tensorboard/` beside the run directory. */
export function resolveLogDir(logDir: string | undefined, runDir: string | undefined): string {
  if (logDir) return resolve(logDir);
  return runDir ? join(dirname(resolve(runDir)), 'tensorboard') : resolve('tensorboard');
}

/** What run.json says about the variants of a sweep (the fields read here). */
interface VariantIndex {
  variants?: Array<{ label?: string; layer?: number; scores?: string }>;
}

/** The score files of a finished run with their steps: every layer of a sweep, else the one fit at step 0. */
async function scoreFiles(runDir: string): Promise<Array<{ step: number; path: string }>> {
  const index = JSON.parse(await readFile(join(runDir, 'run.json'), 'utf8')) as VariantIndex;
  const variants = (index.variants ?? []).filter((v) => typeof v.scores === 'string');
  if (variants.length === 0) return [{ step: 0, path: join(runDir, 'scores.arrow') }];
  return variants.map((v, i) => ({ step: v.layer ?? i, path: join(runDir, v.scores!) }));
}

/**
 * Logs a run as TensorBoard event files under `<logDir>/<run-id>/`: every `metric` event as a
 * scalar (the layer is the step in a layer sweep; a repeated step-less metric counts 0, 1, 2, …),
 * the config as text, at the end of a successful run the r histograms of all and of significant
 * voxels (per layer in a sweep, as steps), and the report's charts as PNG images when Chromium is
 * found. Events are buffered and flushed every `flushMs`; a write error becomes a warning and
 * never touches the run or its directory.
 *
 * @example
 * const logger = tensorboardLogger(tensorboardOptionsSchema.parse({ logDir: 'runs' }));
 */
export function tensorboardLogger(
  options: ResolvedTensorboardOptions,
  emit: EventSink = () => undefined,
  env: NodeJS.ProcessEnv = process.env,
): Logger {
  const say = (level: 'info' | 'warn', message: string, details?: Record<string, unknown>) =>
    emit({ type: 'log', level, stage: 'logger/tensorboard', message, ...(details ? { details } : {}) });
  let file: EventFile | undefined;
  let logDir = '';
  let ended: { runDir?: string; ok: boolean } | undefined;
  const seen = new Map<string, number>();
  const now = () => Date.now() / 1000;

  const start = (e: Extract<VoxelwiseEvent, { type: 'run:start' }>) => {
    // A logger reused for a second run closes the first run's file.
    if (file) void file.close();
    logDir = resolveLogDir(options.logDir, e.runDir);
    const path = eventFilePath(logDir, e.runId, e.time / 1000);
    file = new EventFile(
      path,
      (error) => say('warn', `TensorBoard: cannot write ${path} (${error.message}); the rest of this run is not logged to TensorBoard`),
      1 << 20,
      options.flushMs,
    );
    file.add(fileVersionEvent(now()));
    file.add(textEvent(now(), 0, 'config', configMarkdown(e.config)));
  };

  const histograms = async (f: EventFile, runDir: string) => {
    const edges = rEdges(options.histogramBins);
    // Arrow loads only here, at the end of a run: registering the logger stays cheap.
    const { readScoreColumns } = await import('./scores.js');
    for (const { step, path } of await scoreFiles(runDir)) {
      const scores = await readScoreColumns(path);
      const all = histogramOf(scores.r, edges);
      if (all) f.add(histogramEvent(now(), step, HISTOGRAM_TAGS.all, all));
      if (scores.significant) {
        const sig = histogramOf(
          scores.r.filter((_, i) => scores.significant![i] === 1),
          edges,
        );
        if (sig) f.add(histogramEvent(now(), step, HISTOGRAM_TAGS.significant, sig));
      }
    }
  };

  const images = async (f: EventFile, runDir: string) => {
    const report = join(runDir, 'report.html');
    if (!existsSync(report)) return;
    const exe = findChromium(env);
    if (!exe) {
      say('info', 'TensorBoard: no Chromium found, so the report charts are not logged as images (install chromium or set CHROMIUM_PATH)');
      return;
    }
    const charts = await screenshotCharts(report, exe, { timeoutMs: options.imageTimeoutMs, maxCharts: options.maxImages });
    for (const c of charts) {
      const info = pngInfo(c.png);
      if (info) f.add(imageEvent(now(), 0, `report/${c.id}`, c.png, info));
    }
  };

  return {
    id: 'tensorboard',
    handle(e: VoxelwiseEvent) {
      try {
        if (e.type === 'run:start') start(e);
        else if (!file) return;
        else if (e.type === 'metric') {
          const count = seen.get(e.name) ?? 0;
          seen.set(e.name, count + 1);
          file.add(scalarEvent(now(), e.step ?? count, e.name, e.value));
        } else if (e.type === 'run:end') {
          ended = { ok: e.status === 'ok', ...(e.runDir ? { runDir: e.runDir } : {}) };
        }
      } catch (error) {
        say('warn', `TensorBoard: could not log a ${e.type} event (${(error as Error).message})`);
      }
    },
    async close() {
      const f = file;
      if (!f) return;
      file = undefined;
      // Histograms and images come from the finished run directory, which exists once the run is committed.
      if (ended?.ok && ended.runDir) {
        const runDir = ended.runDir;
        await histograms(f, runDir).catch((error: Error) => say('warn', `TensorBoard: r histograms not logged (${error.message})`));
        if (options.images && options.maxImages > 0)
          await images(f, runDir).catch((error: Error) =>
            say('warn', `TensorBoard: report charts not logged as images (${error.message})`),
          );
      }
      await f.close();
      if (f.written > 0)
        say('info', `TensorBoard: ${f.records} events in ${f.path}; view with "tensorboard --logdir ${logDir}"`, {
          path: f.path,
          bytes: f.written,
        });
    },
  };
}
