import { voxelwiseError } from '@voxelwise/core';

/** One value a grid key takes in a cell: what a config may hold at that path. */
export type GridValue = string | number | boolean | null | Record<string, unknown> | unknown[];

/** One cell's grid values, by grid key, in the order the grid lists its keys. */
export type GridPoint = Readonly<Record<string, GridValue>>;

/**
 * Shorthands for the grid keys studies sweep most: `subject` is the assembly's subject option,
 * `seed` the config's seed (every other key is a dotted config path).
 */
const SHORTHANDS: Readonly<Record<string, readonly (string | number)[]>> = {
  subject: ['assembly', 'options', 'subject'],
  seed: ['seed'],
};

const RANGE = /^\s*(-?\d+)\s*\.\.\s*(-?\d+)\s*$/;

/**
 * The config path a grid key sets: a shorthand (`subject`, `seed`) or a dotted path whose integer
 * segments index arrays (`features.0.options.layer`).
 */
export function gridPath(key: string): (string | number)[] {
  const short = SHORTHANDS[key];
  if (short) return [...short];
  const parts = key.split('.');
  if (parts.some((p) => p === '')) {
    throw voxelwiseError({
      code: 'E_CONFIG_INVALID',
      where: 'sweep:grid',
      message: `grid key "${key}" is not a config path`,
      hint: 'Write a dotted path such as "features.0.options.layer", or "subject" / "seed".',
    });
  }
  return parts.map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/**
 * The values of one grid key: a list as written, an inclusive integer range `"a..b"` (`"0..12"`
 * is 13 values), or a single value. An empty list or a backwards range is an error naming the key.
 */
export function gridValues(key: string, raw: unknown): GridValue[] {
  if (Array.isArray(raw)) {
    if (raw.length === 0) throw gridError(key, 'is an empty list');
    return raw as GridValue[];
  }
  if (typeof raw === 'string') {
    const m = RANGE.exec(raw);
    if (m) {
      const from = Number(m[1]);
      const to = Number(m[2]);
      if (to < from) throw gridError(key, `is the range "${raw}", which runs backwards`);
      return Array.from({ length: to - from + 1 }, (_, i) => from + i);
    }
  }
  if (raw === undefined) throw gridError(key, 'has no value');
  return [raw as GridValue];
}

function gridError(key: string, what: string): Error {
  return voxelwiseError({
    code: 'E_CONFIG_INVALID',
    where: 'sweep:grid',
    message: `grid key "${key}" ${what}`,
    hint: 'Give a list ([1, 2]), an inclusive integer range ("0..12") or one value.',
  });
}

/**
 * Every combination of the grid's values (the Cartesian product), the first key varying
 * slowest, so cells come out in the order a reader of the grid expects.
 *
 * @example
 * expandGrid({ subject: ['UTS01', 'UTS02'], 'features.0.options.layer': '0..2' }).length; // 6
 */
export function expandGrid(grid: Readonly<Record<string, unknown>>): GridPoint[] {
  let points: Record<string, GridValue>[] = [{}];
  for (const [key, raw] of Object.entries(grid)) {
    gridPath(key);
    const values = gridValues(key, raw);
    points = points.flatMap((p) => values.map((v) => ({ ...p, [key]: v })));
  }
  return points;
}

/**
 * A copy of `config` with `value` at `path`. Missing objects on the way are created; an array
 * index must exist (a grid never grows a feature list), and a path through a scalar is an error
 * naming the grid key.
 */
export function setPath(config: Readonly<Record<string, unknown>>, key: string, value: GridValue): Record<string, unknown> {
  const path = gridPath(key);
  const root = structuredClone(config) as Record<string, unknown>;
  let node: unknown = root;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const last = i === path.length - 1;
    if (Array.isArray(node)) {
      if (typeof seg !== 'number' || seg >= node.length) {
        throw voxelwiseError({
          code: 'E_CONFIG_INVALID',
          where: 'sweep:grid',
          message: `grid key "${key}": ${path.slice(0, i).join('.')} is a list of ${node.length}, it has no item ${String(seg)}`,
          hint: 'Index an item the base config has (features.0 is the first feature).',
        });
      }
      if (last) node[seg] = structuredClone(value);
      else node = node[seg];
      continue;
    }
    if (node === null || typeof node !== 'object') {
      throw voxelwiseError({
        code: 'E_CONFIG_INVALID',
        where: 'sweep:grid',
        message: `grid key "${key}": ${path.slice(0, i).join('.')} is not an object in the base config`,
      });
    }
    const obj = node as Record<string, unknown>;
    const name = String(seg);
    if (last) obj[name] = structuredClone(value);
    else {
      if (obj[name] === undefined) obj[name] = typeof path[i + 1] === 'number' ? [] : {};
      node = obj[name];
    }
  }
  return root;
}

/** Whether a grid key sets a `layer` option (its last path segment is `layer`). */
export function isLayerKey(key: string): boolean {
  const path = gridPath(key);
  return path[path.length - 1] === 'layer';
}
