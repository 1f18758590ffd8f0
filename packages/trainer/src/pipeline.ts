import { createContext, voxelwiseError, vstack, sliceRows, hstack, timed } from '@voxelwise/core';
import type { Assembly, Downsampler, EventSink, FeatureExtractor, Matrix, Registry, StageContext, Story } from '@voxelwise/core';
import { makeDelayed, zscore } from '@voxelwise/downsample';
import type { ResolvedConfig } from './config.js';
import { parseSize } from './config.js';

type Slice = { start: number; end: number | null };

/** Python-style row slice `[start:end]`. */
function pySlice(m: Matrix, s: Slice): Matrix {
  return sliceRows(m, s.start, s.end === null ? m.rows : s.end);
}

/** Design matrices for training and testing. */
export interface DesignMatrices {
  Xtrain: Matrix;
  Ytrain: Matrix;
  Xtest: Matrix;
  Ytest: Matrix;
  /** Story index of each training row. */
  groups: Int32Array;
  trainStories: string[];
  testStories: string[];
  /** Feature columns before delays. */
  nFeatures: number;
}

/** Creates the stage context for a run. */
export function runContext(config: ResolvedConfig, emit: EventSink, registry: Registry, signal?: AbortSignal): StageContext {
  return createContext({
    seed: config.seed,
    emit,
    cacheDir: config.cacheDir,
    memoryBudget: parseSize(config.memoryBudget),
    registry,
    ...(signal ? { signal } : {}),
  });
}

function checkAbort(ctx: StageContext): void {
  if (ctx.signal?.aborted) throw voxelwiseError({ code: 'E_ABORTED', where: 'trainer', message: 'run aborted' });
}

/** Features of one story on its TR grid (all extractors, columns concatenated). */
async function storyFeatures(story: Story, extractors: FeatureExtractor[], downsampler: Downsampler, ctx: StageContext): Promise<Matrix> {
  const parts: Matrix[] = [];
  for (const ex of extractors) {
    const fs = await ex.extract(story, ctx);
    const onGrid = fs.level === 'tr' ? fs.data : downsampler.downsample({ data: fs.data, dataTimes: story.wordTimes, trTimes: story.trTimes });
    if (onGrid.rows !== story.trTimes.length) {
      throw voxelwiseError({
        code: 'E_ALIGNMENT',
        where: 'trainer:features',
        message: `extractor ${ex.id} gave the wrong number of TR rows for story "${story.name}"`,
        got: onGrid.rows,
        expected: story.trTimes.length,
      });
    }
    parts.push(onGrid);
  }
  return parts.length === 1 ? parts[0]! : hstack(parts, 'float64');
}

/**
 * Builds train/test design matrices in the configured order.
 * `litcoder`: per story delays → trim → z-score → stack (LITcoder AbstractTrainer, anchors §1.8).
 * `huth`: per story trim → z-score → stack → delays over the concatenation (Huth encoding.py).
 */
export async function buildDesign(config: ResolvedConfig, assembly: Assembly, registry: Registry, ctx: StageContext): Promise<DesignMatrices> {
  const all = config.split.stories ?? [...assembly.storyNames];
  const testStories = config.split.testStories ?? [...assembly.testStories];
  if (testStories.length === 0) {
    throw voxelwiseError({ code: 'E_CONFIG_INVALID', where: 'trainer:split', message: 'no test story', hint: 'Set split.testStories in the config.' });
  }
  for (const s of [...all, ...testStories]) {
    if (!assembly.storyNames.includes(s)) {
      throw voxelwiseError({ code: 'E_CONFIG_INVALID', where: 'trainer:split', message: `story "${s}" is not in the assembly`, expected: assembly.storyNames });
    }
  }
  const trainStories = all.filter((s) => !testStories.includes(s));
  if (trainStories.length === 0) {
    throw voxelwiseError({ code: 'E_CONFIG_INVALID', where: 'trainer:split', message: 'no training story left after removing the test stories' });
  }
  const extractors: FeatureExtractor[] = [];
  for (const ref of config.features) extractors.push(await registry.create('extractor', ref, ctx));
  const downsampler = await registry.create('downsampler', config.downsampler, ctx);

  const build = async (names: string[], role: 'train' | 'test') => {
    const X: Matrix[] = [];
    const Y: Matrix[] = [];
    const groups: number[] = [];
    let nFeatures = 0;
    for (const [idx, name] of names.entries()) {
      checkAbort(ctx);
      const story = await assembly.story(name);
      const feats = await timed(ctx.emit, 'features', () => storyFeatures(story, extractors, downsampler, ctx));
      nFeatures = feats.cols;
      const fSlice: Slice = (role === 'train' ? config.trimming.trainFeatures : config.trimming.testFeatures) ?? { start: story.trim.start, end: story.trim.end > 0 ? -story.trim.end : null };
      const tSlice: Slice = (role === 'train' ? config.trimming.trainTargets : config.trimming.testTargets) ?? { start: 0, end: null };
      const resp = await story.responses();
      const y = zscore(pySlice(resp, tSlice));
      let x: Matrix;
      if (config.preset === 'litcoder') x = zscore(pySlice(makeDelayed(feats, config.delays), fSlice));
      else x = zscore(pySlice(feats, fSlice));
      if (x.rows !== y.rows) {
        throw voxelwiseError({
          code: 'E_ALIGNMENT',
          where: 'trainer:trim',
          message: `story "${name}": after trimming, feature rows do not match response rows (features [${fSlice.start}:${fSlice.end ?? ''}], targets [${tSlice.start}:${tSlice.end ?? ''}])`,
          got: x.rows,
          expected: y.rows,
          hint: 'Adjust the trimming config so both sides keep the same TRs.',
        });
      }
      X.push(x);
      Y.push(y);
      for (let i = 0; i < x.rows; i++) groups.push(idx);
      ctx.emit({ type: 'stage:progress', stage: `design/${role}`, done: idx + 1, total: names.length, unit: 'stories', message: name });
    }
    let Xs = vstack(X, 'float64');
    if (config.preset === 'huth') Xs = makeDelayed(Xs, config.delays);
    return { X: Xs, Y: vstack(Y, 'float32'), groups: Int32Array.from(groups), nFeatures };
  };
  const train = await build(trainStories, 'train');
  const test = await build(testStories, 'test');
  for (const ex of extractors) await ex.dispose?.();
  return { Xtrain: train.X, Ytrain: train.Y, Xtest: test.X, Ytest: test.Y, groups: train.groups, trainStories, testStories, nFeatures: train.nFeatures };
}

