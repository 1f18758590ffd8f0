/**
 * Banded ridge benchmark: voxelwise `banded-ridge-cv` against himalaya's `BandedRidgeCV` (numpy
 * backend, float32) on the same data, bands, band-weight candidates, alphas and folds, in the
 * same run, the peer on Debian's numpy with its native OpenBLAS kernel (see ../peers.ts). Prints
 * both times, the ratio voxelwise / himalaya (goal ≤ 1.0), median test r, peak RSS, CPU and the
 * machine load beside each figure.
 *
 *   node --conditions=@voxelwise/source --import tsx tools/bench/ridge/banded-bench.ts [config]
 *        [--threads N] [--candidates N] [--himalaya /path/to/himalaya-checkout] [--no-peer]
 *        [--peer-budget F]
 *
 * Configs (two bands: a language-model layer and the word rate, each with 4 delays):
 * `small` (n 1,200, (64 + 1) × 4 columns, v 1,000), `medium` (n 3,000, (256 + 1) × 4, v 2,000),
 * `lebel` (n 9,000, (768 + 1) × 4 = 3,076 columns, v 20,484, 300 test TRs). 20 candidates (the
 * first uniform, then Dirichlet draws cycling through concentrations 0.1 and 1), alphas
 * logspace(−1, 8, 10) in himalaya's convention, 5 contiguous folds, per-voxel alpha, Pearson score.
 *
 * `--peer-budget F` lets himalaya start no new candidate once it has run F times voxelwise's whole
 * time (fit and evaluation). At LeBel size its full search takes hours on 2 cores; stopped after k
 * of the candidates, its time is a lower bound on its full time, so the printed ratio is an upper
 * bound on the true one (himalaya's later candidates only add time). The per-candidate times are
 * printed so the rest can be judged.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng } from '@voxelwise/core';
import { createOnnxBackend, dirichletCandidates } from '@voxelwise/ridge';
import { PYTHON, flag, inheritedOverrides, loadLine, peerEnv, peerKernel } from '../peers.js';
import { responseBlock, synthetic } from './synthetic.js';

interface Config {
  n: number;
  /** Columns per band before delays (language-model layer, word rate). */
  bands: [number, number];
  v: number;
  nt: number;
  rank: number;
}

const DELAYS = 4;
const CONFIGS: Record<string, Config> = {
  small: { n: 1200, bands: [64, 1], v: 1000, nt: 100, rank: 16 },
  medium: { n: 3000, bands: [256, 1], v: 2000, nt: 100, rank: 32 },
  lebel: { n: 9000, bands: [768, 1], v: 20484, nt: 300, rank: 64 },
};
const ALPHAS = Array.from({ length: 10 }, (_, i) => 10 ** (i - 1));
const here = dirname(fileURLToPath(import.meta.url));

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${cmd} ${args[0] ?? ''} exited with ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as Record<string, unknown>);
      } catch {
        reject(new Error(`could not parse the output of ${cmd}: ${out.slice(-500)}`));
      }
    });
  });
}

const gib = (b: unknown) => `${(Number(b) / 1024 ** 3).toFixed(2)} GiB`;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const name = argv.find((a, i) => !a.startsWith('--') && !(i > 0 && argv[i - 1]!.startsWith('--'))) ?? 'small';
  const config = CONFIGS[name];
  if (!config) throw new Error(`unknown config "${name}"; use one of ${Object.keys(CONFIGS).join(', ')}`);
  const threads = Number(flag(argv, '--threads') ?? 2);
  const nCandidates = Number(flag(argv, '--candidates') ?? 20);
  const himalaya = flag(argv, '--himalaya') ?? process.env['HIMALAYA_SRC'];
  const withPeer = !argv.includes('--no-peer') && himalaya !== undefined;
  const peerBudget = flag(argv, '--peer-budget');
  const { n, v, nt, rank } = config;
  const sizes = config.bands.map((c) => c * DELAYS);
  const p = sizes.reduce((a, b) => a + b, 0);
  const seed = 20261206;
  console.log(
    `banded ridge benchmark "${name}": n=${n} p=${p} (bands ${config.bands.join(' + ')} columns × ${DELAYS} delays) v=${v} test=${nt}, ${nCandidates} candidates, alphas logspace(-1,8,10) (λ = α), 5 contiguous folds, per-voxel alpha, ${threads} threads`,
  );
  console.log(`machine: ${loadLine()}; inherited BLAS kernel overrides: ${inheritedOverrides()}`);
  if (withPeer) console.log(`peer BLAS: ${peerKernel(threads)}`);
  else console.log('himalaya peer skipped: pass --himalaya <checkout of gallantlab/himalaya> (or HIMALAYA_SRC)');
  const dir = mkdtempSync(join(tmpdir(), 'voxelwise-banded-bench-'));
  try {
    const t = performance.now();
    const backend = await createOnnxBackend({ threads });
    const s = await synthetic({ n, nt, p, v, rank, seed }, backend);
    writeFileSync(join(dir, 'X.f32'), s.X.subarray(0, n * p));
    writeFileSync(join(dir, 'Xt.f32'), s.X.subarray(n * p));
    const all = await responseBlock(s, 0, v, backend);
    writeFileSync(join(dir, 'Y.f32'), all.subarray(0, n * v));
    writeFileSync(join(dir, 'Yt.f32'), all.subarray(n * v));
    await backend.dispose();
    const g = dirichletCandidates(nCandidates, 2, [0.1, 1], createRng(seed));
    const gammas = Array.from({ length: nCandidates }, (_, c) => [g[2 * c]!, 1 - g[2 * c]!]);
    writeFileSync(join(dir, 'gammas.json'), JSON.stringify(gammas));
    writeFileSync(join(dir, 'alphas.json'), JSON.stringify(ALPHAS));
    console.log(`data generated in ${((performance.now() - t) / 1000).toFixed(1)} s (${dir})`);

    const args = [String(n), String(p), String(v), String(nt), sizes.join(',')];
    console.log(`voxelwise starts (${loadLine()})`);
    const vw = await run(process.execPath, [
      '--conditions=@voxelwise/source',
      '--import',
      'tsx',
      join(here, 'run-banded-bench.ts'),
      dir,
      ...args,
      String(threads),
    ]);
    const vwLoad = loadLine();
    const vs = Number(vw['seconds']);
    console.log(
      `voxelwise banded-ridge-cv: ${vs.toFixed(1)} s (fit ${Number(vw['fitSeconds']).toFixed(1)} s + evaluate), CPU ${Number(vw['cpu_seconds']).toFixed(0)} s, peak RSS ${gib(vw['peak_rss_bytes'])}, median test r ${Number(vw['median_r']).toFixed(4)} (after: ${vwLoad})`,
    );
    console.log(`  voxels per candidate: ${(vw['chosen_candidates'] as number[]).join(' ')}`);
    if (withPeer) {
      console.log(`himalaya peer starts (${loadLine()})`);
      const stopAfter = peerBudget === undefined ? [] : [(Number(peerBudget) * vs).toFixed(1)];
      if (stopAfter.length > 0)
        console.log(`  himalaya starts no new candidate after ${stopAfter[0]} s (${peerBudget} × voxelwise's time)`);
      const hm = await run(PYTHON, [join(here, 'himalaya_banded.py'), himalaya!, dir, ...args, ...stopAfter], peerEnv(threads));
      const hs = Number(hm['seconds']);
      const done = Number(hm['candidates_done']);
      const ends = hm['candidate_ends'] as number[];
      const partial = done < nCandidates;
      console.log(
        `himalaya ${String(hm['himalaya'])} BandedRidgeCV (numpy ${String(hm['numpy'])}, float32)${partial ? `, first ${done} of ${nCandidates} candidates only` : ''}: ${hs.toFixed(1)} s (fit ${Number(hm['fit_seconds']).toFixed(1)} s), CPU ${Number(hm['cpu_seconds']).toFixed(0)} s, peak RSS ${gib(hm['peak_rss_bytes'])}, median test r ${Number(hm['median_r']).toFixed(4)} (after: ${loadLine()})`,
      );
      const cvEnds = hm['cv_ends'] as number[];
      const cvParts = ends.map((e, i) => cvEnds[i]! - (i === 0 ? 0 : ends[i - 1]!));
      console.log(
        `  candidate times: ${ends.map((e, i) => `${(e - (i === 0 ? 0 : ends[i - 1]!)).toFixed(1)} (CV ${cvParts[i]!.toFixed(1)})`).join(' ')} s`,
      );
      console.log(`  voxels per candidate: ${(hm['chosen_candidates'] as number[]).join(' ')}`);
      if (partial) {
        // Three honest readings of a partial peer run (its candidates are the first `done` of the
        // same list): an upper bound, the same work on both sides, and a projection.
        const vEnds = vw['candidate_ends'] as number[];
        const tail = vs - vEnds[vEnds.length - 1]!;
        const matched = vEnds[done - 1]! + tail;
        const projected = hs + (nCandidates - done) * Math.min(...cvParts);
        console.log(
          `RATIO voxelwise / himalaya ≤ ${(vs / hs).toFixed(3)} (goal ≤ 1.0; an upper bound: himalaya stopped after ${done} of ${nCandidates} candidates, and the rest only add to its time)`,
        );
        console.log(
          `  same work, first ${done} candidates: voxelwise ${vEnds[done - 1]!.toFixed(1)} s + its refit and evaluation for all ${nCandidates} (${tail.toFixed(1)} s) = ${matched.toFixed(1)} s against himalaya's ${hs.toFixed(1)} s: ${(matched / hs).toFixed(3)}`,
        );
        console.log(
          `  projected: himalaya's ${nCandidates - done} remaining candidates at the least cross-validation time measured (${Math.min(...cvParts).toFixed(1)} s; the same work for every candidate; refits not counted): full time ≈ ${projected.toFixed(0)} s or more, ratio ≈ ${(vs / projected).toFixed(3)} or less`,
        );
      } else console.log(`RATIO voxelwise / himalaya: ${(vs / hs).toFixed(3)} (goal ≤ 1.0)`);
    }
    const events = vw['events'] as string[];
    if (events.length > 0) console.log(`events: ${events.join(' | ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
