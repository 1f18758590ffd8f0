import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isVoxelwiseError } from '@voxelwise/core';
import { resolveConfig } from '../src/index.js';

/**
 * Config fuzzing: whatever JSON a user (or a tool) hands `resolveConfig`, it returns a valid
 * config or throws `E_CONFIG_INVALID` naming the key — never an uncaught exception of another
 * kind. Seeded and bounded, so a failure repeats and the suite stays fast.
 */

const VALID = {
  name: 'fuzz',
  seed: 3,
  outDir: 'results',
  assembly: { name: 'arrow', options: { path: 'data/UTS03' } },
  features: [{ name: 'lm', options: { model: 'gpt2-small', layer: 9, lookback: 256 } }, { name: 'wordrate' }],
  layers: [0, 3, 6],
  downsampler: { name: 'lanczos', options: { window: 3, cutoffMult: 1 } },
  delays: [1, 2, 3, 4],
  preset: 'litcoder',
  compat: 'litcoder',
  metric: 'r',
  zscore: { features: true },
  trimming: { train_features_start: 10, train_features_end: -5, test_features_start: 50, test_features_end: -5, test_targets_start: 40 },
  split: { mode: 'test-stories', testStories: ['wheretheressmoke'] },
  model: { name: 'ridge-cv', options: { alphas: [1, 10], alternative: 'two-sided' } },
  loggers: [{ name: 'jsonl' }],
  memoryBudget: '4GB',
  saveWeights: true,
  report: { enabled: true, topVoxels: 6 },
};

/** Every path of a JSON value (object keys and array indices), the root included. */
function paths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const out: Array<Array<string | number>> = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

type Mutation = { path: number; op: 'set' | 'delete' | 'add'; key: string; value: unknown };

/** Applies one mutation to a deep copy of `base`. */
function mutate(base: unknown, m: Mutation): unknown {
  const copy = structuredClone(base) as Record<string, unknown>;
  const all = paths(copy);
  const path = all[m.path % all.length]!;
  if (path.length === 0) return m.op === 'set' ? m.value : copy;
  let parent: unknown = copy;
  for (const p of path.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[p];
  const last = path[path.length - 1]!;
  const target = parent as Record<string | number, unknown>;
  if (m.op === 'set') target[last] = m.value;
  else if (m.op === 'delete') {
    if (Array.isArray(target)) target.splice(Number(last), 1);
    else delete target[last];
  } else {
    const node = target[last];
    if (node && typeof node === 'object' && !Array.isArray(node)) (node as Record<string, unknown>)[m.key] = m.value;
    else if (Array.isArray(node)) node.push(m.value);
    else target[last] = m.value;
  }
  return copy;
}

const stats = { cases: 0, valid: 0, configErrors: 0 };

/** The property: a config, or E_CONFIG_INVALID whose message names the key. */
function check(input: unknown): void {
  stats.cases++;
  let config: unknown;
  try {
    config = resolveConfig(input, 'fuzz.json');
  } catch (error) {
    if (!isVoxelwiseError(error, 'E_CONFIG_INVALID')) throw error;
    stats.configErrors++;
    // An object names the key at fault (or the unknown key); anything else says what it expected.
    if (input && typeof input === 'object' && !Array.isArray(input)) expect(error.message).toMatch(/key "|Unrecognized key|keys?:/);
    expect(error.message).toContain('fuzz.json');
    return;
  }
  stats.valid++;
  const c = config as { features: unknown[]; delays: number[]; model: { name: string } };
  expect(c.features.length).toBeGreaterThan(0);
  expect(new Set(c.delays).size).toBe(c.delays.length);
  expect(typeof c.model.name).toBe('string');
}

describe('config fuzzing (fast-check, seeded)', () => {
  it('the valid base config resolves', () => {
    expect(resolveConfig(VALID).compat).toBe('litcoder');
  });

  it('random JSON values give a config or E_CONFIG_INVALID', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), check), { seed: 1201, numRuns: 1500 });
  });

  it('random objects with config keys give a config or E_CONFIG_INVALID', () => {
    const keys = Object.keys(VALID);
    const arb = fc.dictionary(fc.constantFrom(...keys, '__proto__', 'constructor', 'toString'), fc.jsonValue({ maxDepth: 3 }), {
      maxKeys: 8,
    });
    fc.assert(fc.property(arb, check), { seed: 1202, numRuns: 1500 });
  });

  it('mutations of a valid config (set, delete, add at any path) give a config or E_CONFIG_INVALID', () => {
    const special = fc.constantFrom(
      null,
      -1,
      0,
      1e308,
      -0,
      '',
      '4GB',
      'litcoder',
      'huth',
      'story',
      'nested-cv',
      [],
      {},
      [1, 1],
      { name: 'wordrate' },
      { start: 5, end: null },
      '__proto__',
    );
    const arb = fc.record({
      path: fc.nat(),
      op: fc.constantFrom('set', 'delete', 'add') as fc.Arbitrary<Mutation['op']>,
      key: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'options', 'name', 'train_targets_end', 'layer')),
      value: fc.oneof(fc.jsonValue({ maxDepth: 2 }), special),
    });
    fc.assert(
      fc.property(fc.array(arb, { minLength: 1, maxLength: 3 }), (ms) => check(ms.reduce<unknown>((c, m) => mutate(c, m), VALID))),
      { seed: 1203, numRuns: 2000 },
    );
  });

  it('ran every case (counts for the record)', () => {
    // 1500 + 1500 + 2000 cases; both outcomes occur.
    expect(stats.cases).toBe(5000);
    expect(stats.valid).toBeGreaterThan(0);
    expect(stats.configErrors).toBeGreaterThan(0);
    console.info(`config fuzzing: ${stats.cases} cases, ${stats.valid} valid, ${stats.configErrors} E_CONFIG_INVALID`);
  });
});
