import type { ScoreColumns } from './arrow-io.js';
import { histogram } from './report/charts.js';

/** Histograms of test r for loggers (64 bins over the observed range, as wandb.Histogram). */
export function rHistograms(scores: ScoreColumns, nBins = 64): Record<string, { edges: number[]; counts: number[] }> {
  const finite = Array.from(scores.r).filter(Number.isFinite);
  if (finite.length === 0) return {};
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of finite) [lo, hi] = [Math.min(lo, x), Math.max(hi, x)];
  if (hi === lo) [lo, hi] = [lo - 0.5, hi + 0.5];
  const edges = Array.from({ length: nBins + 1 }, (_, i) => lo + ((hi - lo) * i) / nBins);
  const out: Record<string, { edges: number[]; counts: number[] }> = { 'r/all': { edges, counts: histogram(finite, lo, hi, nBins) } };
  if (scores.significant) {
    const sig = Array.from(scores.r).filter((r, i) => scores.significant![i] === 1 && Number.isFinite(r));
    out['r/significant'] = { edges, counts: histogram(sig, lo, hi, nBins) };
  }
  return out;
}
