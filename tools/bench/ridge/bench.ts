/**
 * Ridge benchmark: voxelwise `ridge-cv` against LITcoder's algorithm in numpy (float32), same data,
 * same run. Prints the time ratio voxelwise/numpy, sustained GFLOP/s and peak RSS of each.
 *
 *   node --conditions=@voxelwise/source --import tsx tools/bench/ridge/bench.ts [config] [--threads N] [--no-numpy]
 *
 * Configs: `small` (seconds, for development), `lebel` (n 9000, p 3072, v 20484, 300 test TRs,
 * 10 alphas, 5 contiguous folds, per-voxel alpha), `whole-brain` (v 95556, 4 GB memory budget,
 * responses streamed; no numpy run: the responses alone are 3.4 GB).
 * Each side runs in its own process so the peak RSS figures are its own.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createOnnxBackend } from '@voxelwise/ridge';
import { responseBlock, synthetic } from './synthetic.js';

interface Config {
  n: number;
  p: number;
  v: number;
  nt: number;
  rank: number;
  stream: boolean;
  budget?: number;
}

const CONFIGS: Record<string, Config> = {
  small: { n: 1200, p: 256, v: 2000, nt: 100, rank: 16, stream: false },
  lebel: { n: 9000, p: 3072, v: 20484, nt: 300, rank: 64, stream: false },
  'whole-brain': { n: 9000, p: 3072, v: 95556, nt: 300, rank: 64, stream: true, budget: 4e9 },
};
const ALPHAS = Array.from({ length: 10 }, (_, i) => 10 ** (i - 1));
const here = dirname(fileURLToPath(import.meta.url));

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${cmd} ${args[0] ?? ''} exited with ${code}`));
      const line = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as Record<string, unknown>);
      } catch {
        reject(new Error(`could not parse the output of ${cmd}: ${out.slice(-500)}`));
      }
    });
  });
}

/** FLOPs of LITcoder's algorithm (SVD per fold, one prediction per alpha), thin SVD ≈ 4mn² + 8n³. */
function numpyFlops(c: Config): number {
  const { n, p, v, nt } = c;
  const svd = (m: number) => 4 * m * p * p + 8 * p ** 3;
  let f = 0;
  for (let k = 0; k < 5; k++) {
    const nVal = Math.floor(n / 5) + (k < n % 5 ? 1 : 0);
    const ntr = n - nVal;
    f += svd(ntr) + 2 * ntr * p * v + 2 * nVal * p * p + ALPHAS.length * 2 * nVal * p * v;
  }
  return f + svd(n) + 2 * n * p * v + 2 * p * p * v + 2 * nt * p * v;
}

const gib = (b: unknown) => `${(Number(b) / 1024 ** 3).toFixed(2)} GiB`;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const name = argv.find((a) => !a.startsWith('--')) ?? 'small';
  const config = CONFIGS[name];
  if (!config) throw new Error(`unknown config "${name}"; use one of ${Object.keys(CONFIGS).join(', ')}`);
  const ti = argv.indexOf('--threads');
  const threads = ti >= 0 ? Number(argv[ti + 1]) : 2;
  const withNumpy = !argv.includes('--no-numpy') && !config.stream;
  const seed = 20261127;
  const { n, p, v, nt, rank } = config;
  console.log(
    `ridge benchmark "${name}": n=${n} p=${p} v=${v} test=${nt} alphas=logspace(-1,8,10) normalpha, 5 contiguous folds, per-voxel alpha, ${threads} threads`,
  );
  const tsx = ['--conditions=@voxelwise/source', '--import', 'tsx', join(here, 'run-voxelwise.ts')];
  let vw: Record<string, unknown>;
  let np: Record<string, unknown> | null = null;
  if (config.stream) {
    console.log(`responses generated block by block inside the fit (streamed), memory budget ${(config.budget! / 1e9).toFixed(1)} GB`);
    vw = await run(process.execPath, [
      ...tsx,
      'stream',
      String(n),
      String(p),
      String(v),
      String(nt),
      String(rank),
      String(seed),
      String(threads),
      String(config.budget),
    ]);
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'voxelwise-ridge-bench-'));
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
      console.log(`data generated in ${((performance.now() - t) / 1000).toFixed(1)} s (${dir})`);
      vw = await run(process.execPath, [
        ...tsx,
        'files',
        dir,
        String(n),
        String(p),
        String(v),
        String(nt),
        String(threads),
        ...(config.budget ? [String(config.budget)] : []),
      ]);
      if (withNumpy) {
        np = await run(
          '/usr/bin/python3',
          [join(here, 'numpy_ridge.py'), dir, String(n), String(p), String(v), String(nt), ALPHAS.join(','), '5'],
          {
            OPENBLAS_NUM_THREADS: String(threads),
            OMP_NUM_THREADS: String(threads),
          },
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const vs = Number(vw['seconds']);
  console.log('');
  console.log(
    `voxelwise: ${vs.toFixed(1)} s (fit + evaluate), ${Number(vw['gflops']).toFixed(1)} GFLOP/s sustained (${(Number(vw['flops']) / 1e12).toFixed(2)} TFLOP done), peak RSS ${gib(vw['peak_rss_bytes'])}, median test r ${Number(vw['median_r']).toFixed(4)}, CPU ${Number(vw['cpu_seconds']).toFixed(0)} s`,
  );
  if (config.stream)
    console.log(
      `           (response generation, excluded: ${Number(vw['generationSeconds']).toFixed(1)} s; layout ${JSON.stringify(vw['layout'])})`,
    );
  if (np) {
    const ns = Number(np['seconds']);
    const flops = numpyFlops(config);
    console.log(
      `numpy ${String(np['numpy'])} (/usr/bin/python3, float32): ${ns.toFixed(1)} s, ${(flops / ns / 1e9).toFixed(1)} GFLOP/s sustained (${(flops / 1e12).toFixed(2)} TFLOP), peak RSS ${gib(np['peak_rss_bytes'])}, median test r ${Number(np['median_r']).toFixed(4)}, CPU ${Number(np['cpu_seconds']).toFixed(0)} s`,
    );
    console.log(
      `ratio voxelwise/numpy: ${(vs / ns).toFixed(3)}  (goal ≤ 1.0, stretch ≤ 0.75); LITcoder-algorithm-equivalent rate of voxelwise: ${(flops / vs / 1e9).toFixed(1)} GFLOP/s`,
    );
  }
  if (config.budget) {
    const rss = Number(vw['peak_rss_bytes']);
    console.log(
      `memory budget ${(config.budget / 1e9).toFixed(1)} GB: peak RSS ${(rss / 1e9).toFixed(2)} GB — ${rss < config.budget ? 'within' : 'OVER'} budget`,
    );
  }
  const events = vw['events'] as string[];
  if (events.length > 0) console.log(`events: ${events.join(' | ')}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
