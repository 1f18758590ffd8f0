/**
 * Child process of bench.ts: fits and evaluates the `ridge-cv` model on one benchmark problem
 * and prints one JSON line (time, median r, peak RSS, FLOPs counted). Runs alone in its process
 * so its peak RSS is its own.
 *
 *   files mode:  run-voxelwise.ts files <dir> <n> <p> <v> <nt> <threads> [budget]
 *   stream mode: run-voxelwise.ts stream <n> <p> <v> <nt> <rank> <seed> <threads> <budget>
 */
import { readFileSync } from 'node:fs';
import { createContext, matrix } from '@voxelwise/core';
import type { Matrix, VoxelwiseEvent } from '@voxelwise/core';
import { LITCODER_ALPHAS, createOnnxBackend, createRidgeModel } from '@voxelwise/ridge';
import type { FittedRidge, RidgeCVOptions } from '@voxelwise/ridge';
import { synthetic, syntheticReader, testResponses } from './synthetic.js';

const args = process.argv.slice(2);
const mode = args[0];

function readF32(path: string, rows: number, cols: number): Matrix<Float32Array> {
  const buf = readFileSync(path);
  const data = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  if (data.length !== rows * cols) throw new Error(`${path}: ${data.length} values, expected ${rows}×${cols}`);
  return matrix(rows, cols, data);
}

/** FLOPs of the work the engine does (see the package README, "Algorithm"). */
function countedFlops(info: Record<string, unknown>, n: number, p: number, v: number, nt: number): number {
  const folds = info['folds'] as { sizes: Array<{ train: number; test: number }> };
  const plans = info['foldPlans'] as Array<{ products: number }>;
  const factor = (8 / 3) * p ** 3; // tridiagonalisation + forming Q
  let flops = 2 * n * p * p + factor + 2 * 2 * p * p * v + 2 * n * p * v + 2 * nt * p * v;
  folds.sizes.forEach((f, k) => {
    const held = n - f.train;
    const cross = Math.min(held, f.train);
    const nP = plans[k]!.products;
    flops += 2 * cross * p * p + factor + 2 * p * p * f.test * (1 + nP) + 2 * nP * f.test * p * v;
  });
  return flops;
}

async function main(): Promise<void> {
  const options: RidgeCVOptions = {
    alphas: [...LITCODER_ALPHAS],
    normalpha: true,
    folds: { type: 'kfold', n: 5 },
    alphaMode: 'per-voxel',
    score: 'litcoder',
    alternative: 'two-sided',
    backend: 'onnx',
  };
  const events: string[] = [];
  let started = performance.now();
  let lastVoxels = 0;
  const emit = (e: VoxelwiseEvent) => {
    if (e.type === 'log') events.push(`${e.level}: ${e.message}`);
    // Progress on stderr (the parent passes it through), so long runs can be followed.
    if (e.type === 'stage:progress' && (e.unit !== 'voxels' || e.done === e.total || e.done - lastVoxels >= e.total / 10)) {
      if (e.unit === 'voxels') lastVoxels = e.done === e.total ? 0 : e.done;
      process.stderr.write(
        `  [${((performance.now() - started) / 1000).toFixed(1)} s] ${e.unit} ${e.done}/${e.total}${e.message ? ` (${e.message})` : ''}\n`,
      );
    }
  };
  let fitted: FittedRidge;
  let Xt: Matrix;
  let Yt: Matrix;
  let n: number;
  let p: number;
  let v: number;
  let nt: number;
  let generation = 0;
  let seconds: number;
  const t0 = performance.now();
  if (mode === 'files') {
    const [dir, ns, ps, vs, nts, threads, budget] = args.slice(1) as [string, string, string, string, string, string, string | undefined];
    [n, p, v, nt] = [Number(ns), Number(ps), Number(vs), Number(nts)];
    const X = readF32(`${dir}/X.f32`, n, p);
    const Y = readF32(`${dir}/Y.f32`, n, v);
    Xt = readF32(`${dir}/Xt.f32`, nt, p);
    Yt = readF32(`${dir}/Yt.f32`, nt, v);
    const ctx = createContext({ seed: 1, emit, ...(budget ? { memoryBudget: Number(budget) } : {}) });
    const start = performance.now();
    started = start;
    fitted = await createRidgeModel({ ...options, threads: Number(threads) }).fit({ X, Y }, ctx);
    const ev = await fitted.evaluate(Xt, Yt, ctx);
    seconds = (performance.now() - start) / 1000;
    report(ev.metrics, fitted, seconds);
  } else {
    const [ns, ps, vs, nts, rank, seed, threads, budget] = args.slice(1).map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    [n, p, v, nt] = [ns, ps, vs, nts];
    const backend = await createOnnxBackend({ threads });
    const s = await synthetic({ n, nt, p, v, rank, seed }, backend);
    const tg = performance.now();
    Yt = await testResponses(s, backend);
    generation += (performance.now() - tg) / 1000;
    Xt = matrix(nt, p, s.X.slice(n * p));
    const X = matrix(n, p, s.X.subarray(0, n * p));
    const reader = syntheticReader(s, backend);
    const ctx = createContext({ seed: 1, emit, memoryBudget: budget });
    const start = performance.now();
    started = start;
    fitted = await createRidgeModel({ ...options, threads, memoryBudget: budget }).fitReader({ X, Y: reader }, ctx);
    const ev = await fitted.evaluate(Xt, Yt, ctx);
    generation += reader.seconds;
    seconds = (performance.now() - start) / 1000 - reader.seconds;
    report(ev.metrics, fitted, seconds);
  }

  function report(metrics: Record<string, unknown>, f: FittedRidge, secs: number): void {
    const flops = countedFlops(f.info, n, p, v, nt);
    const counts: Record<string, number> = {};
    for (const a of f.alphas ?? []) counts[String(a)] = (counts[String(a)] ?? 0) + 1;
    process.stdout.write(
      JSON.stringify({
        seconds: secs,
        totalSeconds: (performance.now() - t0) / 1000,
        generationSeconds: generation,
        median_r: metrics['median_score'],
        mean_r: metrics['mean_score'],
        flops,
        gflops: flops / secs / 1e9,
        peak_rss_bytes: process.resourceUsage().maxRSS * 1024,
        cpu_seconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
        best_alpha_counts: counts,
        layout: f.info['layout'],
        foldPlans: f.info['foldPlans'],
        events,
      }) + '\n',
    );
    f.dispose();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
