import { ccNorm, median, noiseCeiling, normalisedCorrelation, sliceCols, sliceRows, zscore } from '@voxelwise/core';
import type { Assembly, Matrix, StageContext } from '@voxelwise/core';
import { storyTrim } from './trimming.js';
import type { TrimmingSlices } from './trimming.js';

/** Noise-ceiling columns of scores.arrow and their summary for metrics.json. */
export interface CeilingScores {
  /**
   * Per voxel: `ev` and `ev_corrected` (explainable variance without and with bias correction),
   * `cc_max`, `cc_norm`, and `r_normalised` (test r / CCmax).
   */
  columns: Record<string, Float64Array>;
  /** `noise_ceiling` of metrics.json: stories, repeats, rows and medians over voxels. */
  summary: Record<string, unknown>;
}

function finiteMedian(values: Float64Array): number {
  return median(values.filter(Number.isFinite));
}

/**
 * The noise ceiling of the test stories when the assembly kept their repeats (`Story.nRepeats`
 * ≥ 2, `repeatResponses`); `undefined` (with a warning when only some stories have them) otherwise.
 *
 * Each repeat is trimmed like the test responses and z-scored over time per story (as
 * voxelwise_tutorials' `explainable_variance` does by default); several test stories are joined
 * in time. The model is scored against the mean over repeats (what `Story.responses()` returns),
 * so `r_normalised` = r / CCmax uses the run's test r. Voxels are processed in blocks sized from
 * the memory budget.
 */
export async function testNoiseCeiling(
  assembly: Assembly,
  testStories: readonly string[],
  trimming: TrimmingSlices,
  r: Float64Array,
  predictions: Matrix,
  ctx: StageContext,
): Promise<CeilingScores | undefined> {
  const stories = await Promise.all(testStories.map((n) => assembly.story(n)));
  const repeated = stories.filter((s) => (s.nRepeats ?? 0) >= 2 && s.repeatResponses);
  if (repeated.length === 0) return undefined;
  const counts = new Set(repeated.map((s) => s.nRepeats));
  if (repeated.length < stories.length || counts.size > 1) {
    ctx.emit({
      type: 'log',
      level: 'warn',
      stage: 'noise-ceiling',
      message: `no noise ceiling: the test stories do not all have the same number of repeats (${stories.map((s) => `"${s.name}": ${s.nRepeats ?? 1}`).join(', ')}). Hold out stories recorded the same number of times.`,
    });
    return undefined;
  }
  const nRepeats = repeated[0]!.nRepeats!;
  const trims = stories.map((s) => storyTrim(s, 'test', trimming));
  const rows = trims.reduce((n, t) => n + t.targetRows, 0);
  const V = r.length;
  // Per voxel: the z-scored repeats, their sum and mean, in float64.
  const perVoxel = 8 * rows * (nRepeats + 3);
  const block = Math.max(1, Math.min(V, Math.floor(ctx.memoryBudget / 4 / perVoxel)));
  const cols = {
    ev: new Float64Array(V),
    ev_corrected: new Float64Array(V),
    cc_max: new Float64Array(V),
    cc_norm: new Float64Array(V),
  };
  for (let v0 = 0; v0 < V; v0 += block) {
    const v1 = Math.min(V, v0 + block);
    const b = v1 - v0;
    const repeats = Array.from({ length: nRepeats }, () => ({ rows, cols: b, data: new Float64Array(rows * b) }));
    let offset = 0;
    for (const [i, story] of stories.entries()) {
      const t = trims[i]!;
      for (const [k, rep] of repeats.entries()) {
        const resp = await story.repeatResponses!(k, { voxelStart: v0, voxelEnd: v1 });
        const start = t.targetStartTR - story.trim.start;
        rep.data.set(zscore(sliceRows(resp, start, start + t.targetRows)).data, offset * b);
      }
      offset += t.targetRows;
    }
    const nc = noiseCeiling(repeats, { zscore: false });
    cols.ev.set(nc.ev, v0);
    cols.ev_corrected.set(nc.evCorrected, v0);
    cols.cc_max.set(nc.ccMax, v0);
    cols.cc_norm.set(ccNorm(nc, sliceCols(predictions, v0, v1)), v0);
    if (v1 < V) ctx.emit({ type: 'stage:progress', stage: 'noise-ceiling', done: v1, total: V, unit: 'voxels' });
  }
  const rNormalised = normalisedCorrelation(r, cols.cc_max);
  const columns = { ...cols, r_normalised: rNormalised };
  let withCeiling = 0;
  for (const c of cols.cc_max) if (c > 0) withCeiling++;
  return {
    columns,
    summary: {
      stories: [...testStories],
      n_repeats: nRepeats,
      n_rows: rows,
      n_voxels_with_signal: withCeiling,
      median_ev: finiteMedian(cols.ev),
      median_ev_corrected: finiteMedian(cols.ev_corrected),
      median_cc_max: finiteMedian(cols.cc_max),
      median_cc_norm: finiteMedian(cols.cc_norm),
      median_r_normalised: finiteMedian(rNormalised),
    },
  };
}
