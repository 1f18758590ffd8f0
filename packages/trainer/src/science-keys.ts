import type { ResolvedConfig } from './config.js';

/** The keys that change the numbers: everything but paths, budgets, loggers and report layout. */
export function scienceKeys(config: ResolvedConfig): Record<string, unknown> {
  const { outDir: _o, cacheDir: _c, memoryBudget: _m, loggers: _l, report: _r, $schema: _s, name: _n, saveWeights: _w, ...rest } = config;
  return rest;
}
