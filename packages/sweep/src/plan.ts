import { isAbsolute, join, resolve } from 'node:path';
import { canonicalJson, voxelwiseError } from '@voxelwise/core';
import { configHash, resolveConfig, scienceKeys } from '@voxelwise/trainer';
import { expandGrid, setPath } from './grid.js';
import type { GridPoint } from './grid.js';
import type { SweepSettings, SweepSpec } from './sweep-spec.js';

/** One cell of a sweep: a normal run with its own config, hash and folder. */
export interface Cell {
  /** The first 12 hex digits of {@link Cell.hash}: the cell's folder name under `cells/`. */
  id: string;
  /** Position in the grid's order. */
  index: number;
  /** The grid values of this cell, by grid key. */
  values: GridPoint;
  /** `key=value` pairs of {@link Cell.values}, for people. */
  label: string;
  /** The run config of this cell (`outDir` is the cell's `runs` folder). */
  config: Record<string, unknown>;
  /** The trainer's config hash of the cell (sha256 of its science keys): what `run.json` records. */
  hash: string;
  /** Absolute folder of the cell: `<sweep dir>/cells/<id>`. */
  dir: string;
  /** Index of the feature-extraction group the cell reads from the cache. */
  extractGroup: number;
}

/**
 * Cells that read the same features from the cache: same assembly, same extractors with the
 * `layer` option left out (one pass of a language model caches every layer), same cache folder.
 * A Slurm sweep extracts each group once before any fit starts.
 */
export interface ExtractGroup {
  index: number;
  /** sha256 of the group's canonical JSON. */
  key: string;
  /** The cells that need it, by id. */
  cells: string[];
  /** A short description: assembly and extractor names. */
  label: string;
}

/** A sweep expanded into cells. */
export interface SweepPlan {
  name: string;
  /** Absolute sweep directory. */
  dir: string;
  /** Folder relative paths in the cells' configs resolve against (where the sweep was started). */
  cwd: string;
  /** The grid as written. */
  grid: Record<string, unknown>;
  /** The grid keys, in order. */
  keys: string[];
  settings: SweepSettings;
  cells: Cell[];
  extractGroups: ExtractGroup[];
}

/** Options of {@link planSweep}. */
export interface PlanOptions {
  /** Relative paths resolve against it. @default process.cwd() */
  cwd?: string;
  /** Overrides `sweep.dir` (relative to `cwd`). */
  dir?: string;
  /** Folder of the sweep file: relative plugin paths (`plugins: ["./x.ts"]`) resolve against it. */
  configDir?: string;
}

/**
 * Expands a sweep into cells: each grid point set into a copy of the base config, checked with the
 * trainer's config schema (a bad cell fails before anything runs, naming its grid values), hashed
 * as the trainer hashes a run, and given the folder `<dir>/cells/<hash12>`. Two grid points that
 * give the same config are an error. The cell id depends on the config only, so editing the grid
 * keeps the folders (and the finished runs) of the cells that did not change.
 *
 * @example
 * const plan = planSweep(parseSweepSpec(YAML.parse(text), 'sweep.yaml'), { configDir: '.' });
 * plan.cells.map((c) => c.label); // ['subject=UTS01 features.0.options.layer=0', …]
 */
export function planSweep(spec: SweepSpec, options: PlanOptions = {}): SweepPlan {
  const cwd = resolve(options.cwd ?? process.cwd());
  const name = spec.settings.name ?? (typeof spec.base['name'] === 'string' ? spec.base['name'] : 'sweep');
  const dir = resolve(cwd, options.dir ?? spec.settings.dir ?? join('sweeps', name));
  const keys = Object.keys(spec.grid);
  const base = withPlugins(spec.base, options.configDir === undefined ? cwd : resolve(cwd, options.configDir));
  const seen = new Map<string, Cell>();
  const groups = new Map<string, ExtractGroup>();
  const cells: Cell[] = [];
  expandGrid(spec.grid).forEach((values, index) => {
    let config: Record<string, unknown> = { ...base, name };
    for (const key of keys) config = setPath(config, key, values[key]!);
    const label = keys.map((k) => `${k}=${typeof values[k] === 'object' ? JSON.stringify(values[k]) : String(values[k])}`).join(' ');
    const { plugins: _p, ...runConfig } = config;
    let resolved;
    try {
      resolved = resolveConfig(runConfig, `sweep cell ${label}`);
    } catch (error) {
      throw Object.assign(error as Error, { details: { ...((error as { details?: object }).details ?? {}), cell: values } });
    }
    const hash = configHash(scienceKeys(resolved));
    const id = hash.slice(0, 12);
    const twin = seen.get(id);
    if (twin) {
      throw voxelwiseError({
        code: 'E_CONFIG_INVALID',
        where: 'sweep:grid',
        message: `grid cells "${twin.label}" and "${label}" give the same run config`,
        hint: 'Remove the repeated value from the grid, or sweep a key the base config uses.',
      });
    }
    const cellDir = join(dir, 'cells', id);
    const groupKey = configHash({
      assembly: resolved.assembly,
      features: resolved.features.map(({ name: n, options: o }) => ({ name: n, options: withoutLayer(o) })),
      cacheDir: resolve(cwd, resolved.cacheDir),
    });
    let group = groups.get(groupKey);
    if (!group) {
      group = {
        index: groups.size,
        key: groupKey,
        cells: [],
        label: `${resolved.assembly.name} × ${resolved.features.map((f) => f.name).join('+')}`,
      };
      groups.set(groupKey, group);
    }
    group.cells.push(id);
    const cell: Cell = {
      id,
      index,
      values,
      label,
      config: { ...config, outDir: join(cellDir, 'runs') },
      hash,
      dir: cellDir,
      extractGroup: group.index,
    };
    seen.set(id, cell);
    cells.push(cell);
  });
  return { name, dir, cwd, grid: spec.grid, keys, settings: spec.settings, cells, extractGroups: [...groups.values()] };
}

function withoutLayer(options: unknown): unknown {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) return options;
  const { layer: _l, ...rest } = options as Record<string, unknown>;
  return JSON.parse(canonicalJson(rest)) as unknown;
}

/** The base config with relative plugin paths made absolute (the cells' configs live elsewhere). */
function withPlugins(base: Record<string, unknown>, configDir: string): Record<string, unknown> {
  const plugins = base['plugins'];
  if (!Array.isArray(plugins)) return base;
  return {
    ...base,
    plugins: plugins.map((p) =>
      typeof p === 'string' && (p.startsWith('./') || p.startsWith('../')) && !isAbsolute(p) ? resolve(configDir, p) : p,
    ),
  };
}
