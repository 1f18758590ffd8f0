import { parseSize } from '@voxelwise/core';
import type { Registry } from '@voxelwise/core';
import { usageError } from './command.js';

/** Flags that override config keys. */
export interface OverrideFlags {
  seed?: string;
  out?: string;
  layer?: string;
  lookback?: string;
  memoryBudget?: string;
}

/**
 * Parses `--layer`: `9`, a list `0,3,6`, or a range `0..12` (both ends included). Negative layers
 * count from the end as the `lm` extractor documents (−1 = the last layer), in lists and in ranges
 * whose ends are both negative (`-3..-1`); they pass through unchanged for the extractor (and the
 * trainer's check against the model's depth) to resolve.
 */
export function parseLayers(text: string): number[] {
  const t = text.trim();
  const range = /^(-?\d+)\s*\.\.\s*(-?\d+)$/.exec(t);
  let out: number[];
  if (range) {
    const a = Number(range[1]);
    const b = Number(range[2]);
    if (a < 0 !== b < 0) throw usageError(`--layer ${text}: a range counts from the start (0..12) or from the end (-3..-1), not both`);
    if (b < a) throw usageError(`--layer ${text}: the range ends before it starts`);
    out = Array.from({ length: b - a + 1 }, (_, i) => a + i);
  } else if (/^-?\d+(\s*,\s*-?\d+)*$/.test(t)) {
    out = t.split(',').map((s) => Number(s.trim()));
  } else {
    throw usageError(`--layer must be a layer (9, or -1 for the last), a list (0,3,6) or a range (0..12); got "${text}"`);
  }
  return out;
}

function integer(flag: string, text: string, min: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw usageError(`${flag} must be an integer${min > 0 ? ` ≥ ${min}` : ''} (got "${text}")`);
  return n;
}

/** Whether a registered extractor has an option named `key` (from its JSON Schema). */
function extractorHas(registry: Registry, name: string, key: string): boolean {
  const info = registry.list('extractor').find((s) => s.name === name);
  const props = (info?.optionsSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return Boolean(props && key in props);
}

function setFeatureOption(config: Record<string, unknown>, registry: Registry, key: string, value: unknown, flag: string): void {
  const features = config['features'];
  if (!Array.isArray(features)) throw usageError(`${flag} needs a config with a "features" list`, 'E_CONFIG_INVALID');
  let hit = 0;
  config['features'] = features.map((f: unknown) => {
    const ref = f as { name?: unknown; options?: Record<string, unknown> };
    if (typeof ref?.name !== 'string' || !extractorHas(registry, ref.name, key)) return f;
    hit++;
    return { ...ref, options: { ...(ref.options ?? {}), [key]: value } };
  });
  if (hit === 0) {
    const names = features.map((f: unknown) => String((f as { name?: unknown })?.name)).join(', ');
    throw usageError(`${flag} sets the "${key}" option, but no feature of this config has one (${names})`, 'E_CONFIG_INVALID');
  }
}

/**
 * Applies CLI flags to a raw config (before validation): `--seed`, `--out`, `--memory-budget`,
 * `--layer` (the `layer` option of every feature that has one; a list or range becomes a layer
 * sweep) and `--lookback` (the `lookback` option likewise).
 */
export function applyOverrides(input: Record<string, unknown>, flags: OverrideFlags, registry: Registry): Record<string, unknown> {
  const config: Record<string, unknown> = { ...input };
  if (flags.seed !== undefined) config['seed'] = integer('--seed', flags.seed, -Infinity);
  if (flags.out !== undefined) config['outDir'] = flags.out;
  if (flags.memoryBudget !== undefined) {
    // The one size parser (GB = 10⁹, GiB = 2³⁰) checks the flag here, naming it; the config keeps
    // what was written so config.json shows it as given.
    parseSize(flags.memoryBudget, '--memory-budget');
    config['memoryBudget'] = /^\d+(\.\d+)?$/.test(flags.memoryBudget) ? Number(flags.memoryBudget) : flags.memoryBudget;
  }
  if (flags.layer !== undefined) {
    const layers = parseLayers(flags.layer);
    if (layers.length === 1) {
      setFeatureOption(config, registry, 'layer', layers[0], '--layer');
      delete config['layers'];
    } else {
      // Check that some feature takes a layer; the sweep sets it per layer.
      setFeatureOption(config, registry, 'layer', layers[0], '--layer');
      config['layers'] = layers;
    }
  }
  if (flags.lookback !== undefined) setFeatureOption(config, registry, 'lookback', integer('--lookback', flags.lookback, 1), '--lookback');
  return config;
}
