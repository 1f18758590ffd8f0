/**
 * Sharded ridge fits: is it cheaper for every shard to recompute the fold factorisations and
 * projection stacks, or to read them from the shard directory where `voxelwise shard plan`
 * wrote them once? Times, on synthetic LeBel-sized designs (n training TRs × p design columns,
 * LITcoder's 10 alphas, 5 folds, onnx backend):
 *
 * - prepare: what each shard would spend recomputing (`ModelShards.prepare`: the full fit's and
 *   every fold's Gram factorisation and projection stack);
 * - write / read: the shared state written once and read back (page cache warm: a lower bound;
 *   the bytes are printed so that a shared file system's bandwidth can be put in);
 * - voxels: the shard's own work per 1,000 voxels (`ModelShards.fit` on a block), which is the
 *   same either way;
 * - equality: a 3-shard fit merged against the single-process fit of the same data (fraction of
 *   weights bit-identical, largest difference).
 *
 *   node --conditions=@voxelwise/source --import tsx tools/bench/shard/share-bench.ts [p ...] [--n 9400] [--voxels 1024] [--no-check]
 *
 * The machine is shared: `uptime` is printed before and after; compare figures of one run only.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createContext, createRng, matrix, sliceCols } from '@voxelwise/core';
import type { Matrix, ShardDesign, ShardPart } from '@voxelwise/core';
import { createRidgeModel } from '@voxelwise/ridge';
import { readState, writeState } from '../../../packages/trainer/src/shard-files.js';
import { flag } from '../peers.js';

const args = process.argv.slice(2);
const n = Number(flag(args, '--n') ?? 9400);
const voxels = Number(flag(args, '--voxels') ?? 1024);
// --no-check: only the shared state (prepare, write, read), not the voxel timing nor the equality check.
const check = !args.includes('--no-check');
const sizes = args.filter((a, i) => /^\d+$/.test(a) && !['--n', '--voxels'].includes(args[i - 1] ?? '')).map(Number);
const ps = sizes.length > 0 ? sizes : [1536, 3072];
const uptime = () => execFileSync('uptime', { encoding: 'utf8' }).trim();
const seconds = async <T>(f: () => Promise<T>): Promise<[T, number]> => {
  const t = performance.now();
  const out = await f();
  return [out, (performance.now() - t) / 1000];
};

/** Correlated features as delayed stimulus features are: a smooth random walk per column plus noise. */
function design(rows: number, p: number, seed: number): Matrix<Float32Array> {
  const rng = createRng(seed);
  const X = new Float32Array(rows * p);
  for (let j = 0; j < p; j++) {
    let walk = 0;
    for (let i = 0; i < rows; i++) {
      walk = 0.9 * walk + rng.normal();
      X[i * p + j] = walk + 0.5 * rng.normal();
    }
  }
  return matrix(rows, p, X);
}

function responses(X: Matrix<Float32Array>, v: number, seed: number): Matrix<Float32Array> {
  const rng = createRng(seed);
  const { rows, cols } = X;
  const Y = new Float32Array(rows * v);
  const w = Float64Array.from({ length: cols * 4 }, () => rng.normal() / Math.sqrt(cols));
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < v; j++) {
      let s = 0;
      const k = j % 4;
      for (let c = 0; c < cols; c += 16) s += X.data[i * cols + c]! * w[c * 4 + k]!;
      Y[i * v + j] = s + rng.normal();
    }
  return matrix(rows, v, Y);
}

const options = { backend: 'onnx' as const };
const results: Array<Record<string, unknown>> = [];
console.log(`before: ${uptime()}`);
for (const p of ps) {
  const X = design(n, p, p);
  const groups = Int32Array.from({ length: n }, (_, i) => Math.floor((i * 27) / n));
  const Y = responses(X, voxels, 7);
  const shardDesign: ShardDesign = { X, groups, nVoxels: voxels };
  const ctx = () => createContext({ seed: 1, memoryBudget: 16e9 });
  const model = createRidgeModel(options);
  const [shared, prepareS] = await seconds(() => model.shards.prepare(shardDesign, ctx()));
  const dir = mkdtempSync(join(tmpdir(), 'vw-shard-bench-'));
  const [bytes, writeS] = await seconds(() => writeState(dir, 'state', shared, 'bench'));
  const [readBack, readS] = await seconds(() => readState(dir, 'state', 'bench'));
  rmSync(dir, { recursive: true, force: true });
  const stateRow = {
    n,
    p,
    folds: 5,
    alphas: 10,
    sharedMB: +(bytes / 1e6).toFixed(1),
    prepareS: +prepareS.toFixed(1),
    writeS: +writeS.toFixed(2),
    readWarmS: +readS.toFixed(2),
    readAt200MBps: +(bytes / 200e6).toFixed(1),
    readAt1GBps: +(bytes / 1e9).toFixed(1),
    load: uptime(),
  };
  console.log(JSON.stringify(stateRow));
  if (!check) {
    results.push(stateRow);
    continue;
  }
  const block = Math.min(voxels, 512);
  const [, fitS] = await seconds(() =>
    createRidgeModel(options).shards.fit(readBack, shardDesign, sliceCols(Y, 0, block) as Matrix, { start: 0, end: block }, ctx()),
  );
  // Equality: 3 shards merged against the single-process fit of the same data.
  const single = await createRidgeModel(options).fit({ X, Y, groups }, ctx());
  const parts: ShardPart[] = [];
  for (let k = 0; k < 3; k++) {
    const r = { start: Math.floor((k * voxels) / 3), end: Math.floor(((k + 1) * voxels) / 3) };
    parts.push(await createRidgeModel(options).shards.fit(readBack, shardDesign, sliceCols(Y, r.start, r.end) as Matrix, r, ctx()));
  }
  const merged = await createRidgeModel(options).shards.merge(readBack, shardDesign, parts, ctx());
  const a = single.weights!.data;
  const b = merged.weights!.data;
  let same = 0;
  let maxDiff = 0;
  let maxAbs = 0;
  for (let i = 0; i < a.length; i++) {
    if (Object.is(a[i], b[i])) same++;
    maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
    maxAbs = Math.max(maxAbs, Math.abs(a[i]!));
  }
  const row = {
    ...stateRow,
    fitSPer1000Voxels: +((fitS * 1000) / block).toFixed(2),
    weightsBitIdentical: `${same}/${a.length}`,
    maxAbsDiff: maxDiff,
    maxAbsWeight: maxAbs,
    load: uptime(),
  };
  console.log(JSON.stringify(row));
  results.push(row);
  single.dispose();
  merged.dispose();
}
console.log(`after: ${uptime()}`);
const out = join(fileURLToPath(new URL('../out', import.meta.url)));
mkdirSync(out, { recursive: true });
writeFileSync(
  join(out, `shard-share-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.json`),
  `${JSON.stringify(results, null, 2)}\n`,
);
