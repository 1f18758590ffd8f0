import type { RunResult } from '@voxelwise/trainer';
import type { TextOut } from './command.js';
import { plantedSummary } from './demo/planted-summary.js';

/** Formats a metric for terminal output. */
export function fmt(x: unknown, digits = 4): string {
  return typeof x === 'number' ? (Number.isInteger(x) ? String(x) : x.toFixed(digits)) : x === undefined || x === null ? '–' : String(x);
}

/** Prints a finished run's headline numbers and where its files are. */
export function printRun(out: TextOut, result: RunResult): void {
  const m = result.metrics;
  out.write(`\nrun ${result.runId}\n`);
  const trs =
    m['n_train_trs'] !== undefined
      ? `train TRs ${fmt(m['n_train_trs'])}, test TRs ${fmt(m['n_test_trs'])}`
      : `TRs ${fmt(m['n_trs'])} in ${fmt(m['n_outer_folds'])} outer folds`;
  out.write(`  voxels ${fmt(m['n_voxels'])}, ${trs}, design columns ${fmt(m['n_features'])}\n`);
  out.write(`  median r ${fmt(m['median_score'])}   mean r ${fmt(m['mean_score'])}   max r ${fmt(m['max_score'])}`);
  if (m['n_significant'] !== undefined) out.write(`   significant ${fmt(m['n_significant'])} (${fmt(m['percent_significant'], 1)} %)`);
  out.write('\n');
  const layers = m['layers'];
  if (Array.isArray(layers)) {
    out.write(
      `  layers (median r): ${layers.map((l: Record<string, number>) => `${l['layer']}:${fmt(l['median_score'], 3)}`).join('  ')}\n`,
    );
    out.write(
      `  selected layer ${fmt(m['selected_layer'])} (${m['selected_by'] === 'cv_score' ? 'best inner-CV score on the training stories' : 'best median test r'}): the numbers above are this layer's\n`,
    );
  }
  const planted = plantedSummary(result.evaluation.voxels.r, result.assemblyMetadata);
  if (planted)
    out.write(
      `  planted voxels: median r ${fmt(planted.medianPlanted)} (${planted.planted.length})   noise voxels: median r ${fmt(planted.medianNoise)} (${planted.noise.length})\n`,
    );
  const record = (x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : undefined);
  const ceiling = record(m['noise_ceiling']);
  if (ceiling)
    out.write(
      `  noise ceiling (${fmt(ceiling['n_repeats'])} repeats): median CCmax ${fmt(ceiling['median_cc_max'], 3)}   median r / CCmax ${fmt(ceiling['median_r_normalised'], 3)}\n`,
    );
  const partition = record(m['partition']);
  if (partition) {
    const parts = Object.keys(partition)
      .filter((k) => k.startsWith('r2_unique_') || k.startsWith('r2_shared_'))
      .map((k) => `${k.replace(/^r2_/, '').replace('_', ' ')} ${fmt(record(partition[k])?.['mean'], 3)}`);
    out.write(`  partition (mean test R²): ${parts.join('   ')}\n`);
  }
  out.write(`  time ${(result.durationMs / 1000).toFixed(2)} s\n  results in ${result.runDir}\n`);
  if (result.reportPath) out.write(`  report     ${result.reportPath}\n`);
}
