/**
 * Child process of banded-bench.ts: fits and evaluates `banded-ridge-cv` (onnx backend, float32)
 * on one benchmark problem and prints one JSON line (time, median r, peak RSS, CPU, chosen
 * candidates, per-phase events). Runs alone in its process so its peak RSS is its own.
 *
 *   run-banded-bench.ts <dir> <n> <p> <v> <nt> <band sizes comma-separated> <threads>
 */
import { readFileSync } from 'node:fs';
import { createContext, matrix } from '@voxelwise/core';
import type { FeatureBand, Matrix, VoxelwiseEvent } from '@voxelwise/core';
import { createBandedRidgeModel } from '@voxelwise/ridge';

function readF32(path: string, rows: number, cols: number): Matrix<Float32Array> {
  const buf = readFileSync(path);
  const data = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  if (data.length !== rows * cols) throw new Error(`${path}: ${data.length} values, expected ${rows}×${cols}`);
  return matrix(rows, cols, data);
}

async function main(): Promise<void> {
  const [dir, ns, ps, vs, nts, sizesArg, threads] = process.argv.slice(2) as [string, string, string, string, string, string, string];
  const [n, p, v, nt] = [Number(ns), Number(ps), Number(vs), Number(nts)];
  const sizes = sizesArg.split(',').map(Number);
  const bands: FeatureBand[] = [];
  let start = 0;
  sizes.forEach((s, b) => {
    bands.push({ name: `band${b}`, start, end: start + s });
    start += s;
  });
  const gammas = JSON.parse(readFileSync(`${dir}/gammas.json`, 'utf8')) as number[][];
  const alphas = JSON.parse(readFileSync(`${dir}/alphas.json`, 'utf8')) as [number, ...number[]];
  const X = readF32(`${dir}/X.f32`, n, p);
  const Y = readF32(`${dir}/Y.f32`, n, v);
  const Xt = readF32(`${dir}/Xt.f32`, nt, p);
  const Yt = readF32(`${dir}/Yt.f32`, nt, v);
  const events: string[] = [];
  const candidateEnds: number[] = [];
  const start0 = performance.now();
  const at = () => ((performance.now() - start0) / 1000).toFixed(1);
  const emit = (e: VoxelwiseEvent) => {
    if (e.type === 'log') events.push(`${e.level}: ${e.message}`);
    // Progress per candidate on stderr (the parent passes it through).
    if (e.type === 'stage:progress' && e.unit === 'candidates') {
      candidateEnds.push((performance.now() - start0) / 1000);
      process.stderr.write(`  [${at()} s] candidate ${e.done}/${e.total}\n`);
    }
  };
  const ctx = createContext({ seed: 1, emit });
  const model = createBandedRidgeModel({
    gammas,
    alphas,
    folds: { type: 'kfold', n: 5 },
    score: 'pearson',
    backend: 'onnx',
    threads: Number(threads),
  });
  const fitted = await model.fit({ X, Y, bands }, ctx);
  const fitSeconds = (performance.now() - start0) / 1000;
  const ev = await fitted.evaluate(Xt, Yt, ctx);
  const seconds = (performance.now() - start0) / 1000;
  const chosen = new Array<number>(gammas.length).fill(0);
  for (const c of fitted.candidateIndex) chosen[c] = chosen[c]! + 1;
  process.stdout.write(
    JSON.stringify({
      seconds,
      fitSeconds,
      median_r: ev.metrics['median_score'],
      mean_r: ev.metrics['mean_score'],
      chosen_candidates: chosen,
      candidate_ends: candidateEnds,
      peak_rss_bytes: process.resourceUsage().maxRSS * 1024,
      cpu_seconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
      layout: fitted.info['layout'],
      events,
    }) + '\n',
  );
  fitted.dispose();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
