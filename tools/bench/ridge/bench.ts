/**
 * Ridge benchmark: voxelwise `ridge-cv` against its peers on the same data in the same run —
 * LITcoder's algorithm in numpy (float32) and, with `--himalaya <src>`, himalaya's `RidgeCV`
 * (numpy backend) — each peer on Debian's numpy with its native OpenBLAS kernel (see ../peers.ts).
 * Prints the time ratio of voxelwise to the fastest peer, sustained GFLOP/s, peak RSS and the
 * machine load; `--contended N` repeats the comparison with N busy processes beside both sides.
 *
 *   node --conditions=@voxelwise/source --import tsx tools/bench/ridge/bench.ts [config] [--threads N] [--no-numpy]
 *        [--himalaya /path/to/himalaya-checkout] [--contended N]
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
import { PYTHON, flag, inheritedOverrides, loadLine, peerEnv, peerKernel, startContention } from '../peers.js';
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

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
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

interface PeerResult {
  name: string;
  seconds: number;
  flops: number;
  out: Record<string, unknown>;
}

/** One comparison: voxelwise, then each peer, on the files in `dir` (or streamed). */
async function compare(config: Config, dir: string | null, threads: number, peersOn: boolean, himalaya: string | undefined, seed: number) {
  const { n, p, v, nt, rank } = config;
  const tsx = ['--conditions=@voxelwise/source', '--import', 'tsx', join(here, 'run-voxelwise.ts')];
  console.log(`voxelwise starts (${loadLine()})`);
  const vw = dir
    ? await run(process.execPath, [
        ...tsx,
        'files',
        dir,
        String(n),
        String(p),
        String(v),
        String(nt),
        String(threads),
        ...(config.budget ? [String(config.budget)] : []),
      ])
    : await run(process.execPath, [
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
  const peers: PeerResult[] = [];
  if (dir && peersOn) {
    const args = [String(n), String(p), String(v), String(nt), ALPHAS.join(','), '5'];
    console.log(`numpy peer starts (${loadLine()})`);
    const np = await run(PYTHON, [join(here, 'numpy_ridge.py'), dir, ...args], peerEnv(threads));
    peers.push({
      name: `LITcoder algorithm, numpy ${String(np['numpy'])}`,
      seconds: Number(np['seconds']),
      flops: numpyFlops(config),
      out: np,
    });
    if (himalaya) {
      console.log(`himalaya peer starts (${loadLine()})`);
      const hm = await run(PYTHON, [join(here, 'himalaya_ridge.py'), himalaya, dir, ...args], peerEnv(threads));
      peers.push({
        name: `himalaya ${String(hm['himalaya'])} RidgeCV (numpy backend)`,
        seconds: Number(hm['seconds']),
        flops: numpyFlops(config),
        out: hm,
      });
    }
  }
  return { vw, peers, load: loadLine() };
}

function printComparison(label: string, config: Config, r: Awaited<ReturnType<typeof compare>>): void {
  const { vw, peers } = r;
  const vs = Number(vw['seconds']);
  console.log('');
  console.log(`== ${label} (after the runs: ${r.load})`);
  console.log(
    `voxelwise: ${vs.toFixed(1)} s (fit + evaluate), ${Number(vw['gflops']).toFixed(1)} GFLOP/s sustained (${(Number(vw['flops']) / 1e12).toFixed(2)} TFLOP done), peak RSS ${gib(vw['peak_rss_bytes'])}, median test r ${Number(vw['median_r']).toFixed(4)}, CPU ${Number(vw['cpu_seconds']).toFixed(0)} s`,
  );
  if (config.stream)
    console.log(
      `           (response generation, excluded: ${Number(vw['generationSeconds']).toFixed(1)} s; layout ${JSON.stringify(vw['layout'])})`,
    );
  for (const peer of peers) {
    console.log(
      `${peer.name} (${PYTHON}, float32): ${peer.seconds.toFixed(1)} s, ${(peer.flops / peer.seconds / 1e9).toFixed(1)} GFLOP/s LITcoder-equivalent, peak RSS ${gib(peer.out['peak_rss_bytes'])}, median test r ${Number(peer.out['median_r']).toFixed(4)}, CPU ${Number(peer.out['cpu_seconds']).toFixed(0)} s`,
    );
  }
  if (peers.length > 0) {
    const fastest = peers.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    for (const peer of peers) console.log(`ratio voxelwise / ${peer.name}: ${(vs / peer.seconds).toFixed(3)}`);
    console.log(
      `RATIO to the fastest peer (${fastest.name}): ${(vs / fastest.seconds).toFixed(3)}; LITcoder-algorithm-equivalent rate of voxelwise: ${(numpyFlops(config) / vs / 1e9).toFixed(1)} GFLOP/s`,
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

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const name = argv.find((a, i) => !a.startsWith('--') && !(i > 0 && argv[i - 1]!.startsWith('--'))) ?? 'small';
  const config = CONFIGS[name];
  if (!config) throw new Error(`unknown config "${name}"; use one of ${Object.keys(CONFIGS).join(', ')}`);
  const threads = Number(flag(argv, '--threads') ?? 2);
  const contended = Number(flag(argv, '--contended') ?? 0);
  const himalaya = flag(argv, '--himalaya') ?? process.env['HIMALAYA_SRC'];
  const withPeers = !argv.includes('--no-numpy') && !config.stream;
  const seed = 20261127;
  const { n, p, v, nt, rank } = config;
  console.log(
    `ridge benchmark "${name}": n=${n} p=${p} v=${v} test=${nt} alphas=logspace(-1,8,10) normalpha, 5 contiguous folds, per-voxel alpha, ${threads} threads`,
  );
  console.log(`machine: ${loadLine()}; inherited BLAS kernel overrides: ${inheritedOverrides()}`);
  if (withPeers) console.log(`peer BLAS: ${peerKernel(threads)}`);
  if (withPeers && !himalaya) console.log('himalaya peer skipped: pass --himalaya <checkout of gallantlab/himalaya> (or HIMALAYA_SRC)');
  let dir: string | null = null;
  try {
    if (config.stream) {
      console.log(`responses generated block by block inside the fit (streamed), memory budget ${(config.budget! / 1e9).toFixed(1)} GB`);
    } else {
      dir = mkdtempSync(join(tmpdir(), 'voxelwise-ridge-bench-'));
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
    }
    printComparison('idle', config, await compare(config, dir, threads, withPeers, himalaya, seed));
    if (contended > 0) {
      const busy = startContention(contended);
      try {
        console.log(`\n${contended} busy processes started beside both sides`);
        const r = await compare(config, dir, threads, withPeers, himalaya, seed);
        printComparison(`contended by ${contended} busy processes`, config, r);
      } finally {
        busy.stop();
      }
    }
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
