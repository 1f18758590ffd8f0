/**
 * What every benchmark needs to compare honestly against a Python peer: Debian's numpy on its
 * native OpenBLAS kernel, the kernel it really ran, the machine load beside each figure, and an
 * optional contended mode with busy processes beside both sides.
 *
 * Some machines set OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE to force an older OpenBLAS kernel (older
 * builds crash or miscompute on their CPU); with a current OpenBLAS that only slows numpy down
 * (about 2.5× here). A peer runs with both unset, in its own child environment only: tests and CI
 * never change them.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';

/** Debian's interpreter, whose numpy, scipy and OpenBLAS come from the distribution. */
export const PYTHON = '/usr/bin/python3';

/** The OpenBLAS variables that force a non-native kernel. */
const KERNEL_OVERRIDES = ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'] as const;

/**
 * A child environment for a numpy peer: the kernel overrides removed, BLAS threads pinned.
 *
 * @param threads BLAS/OpenMP threads of the peer
 * @param extra further variables (e.g. PYTHONPATH of a peer library checkout)
 */
export function peerEnv(threads: number, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of KERNEL_OVERRIDES) delete env[k];
  const t = String(threads);
  return { ...env, OPENBLAS_NUM_THREADS: t, OMP_NUM_THREADS: t, MKL_NUM_THREADS: t, ...extra };
}

/** Which overrides this process inherited (printed so a reader sees what the peer was spared). */
export function inheritedOverrides(): string {
  const set = KERNEL_OVERRIDES.filter((k) => process.env[k] !== undefined).map((k) => `${k}=${process.env[k]}`);
  return set.length > 0 ? `${set.join(' ')} (unset for the peer)` : 'none';
}

/**
 * The BLAS kernel the peer's numpy runs, read with threadpoolctl in the peer's own environment,
 * e.g. `numpy 1.24.2, OpenBLAS 0.3.21 SkylakeX (pthreads, 2 threads)`. Throws when it runs the
 * forced kernel anyway, so a handicapped peer never goes unnoticed.
 */
export function peerKernel(threads: number, extra: NodeJS.ProcessEnv = {}): string {
  const code = [
    'import json, numpy, threadpoolctl',
    'print(json.dumps({"numpy": numpy.__version__, "pools": threadpoolctl.threadpool_info()}))',
  ].join('\n');
  const r = spawnSync(PYTHON, ['-c', code], { env: peerEnv(threads, extra), encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`${PYTHON} cannot report its BLAS (needs python3-numpy and python3-threadpoolctl): ${r.stderr.slice(-400)}`);
  }
  const info = JSON.parse(r.stdout) as {
    numpy: string;
    pools: { internal_api: string; version: string | null; architecture?: string; threading_layer?: string; num_threads: number }[];
  };
  const blas = info.pools.find((p) => p.internal_api === 'openblas' || p.internal_api === 'mkl' || p.internal_api === 'blis');
  if (!blas) return `numpy ${info.numpy}, no BLAS pool reported`;
  const forced = process.env['OPENBLAS_CORETYPE'];
  if (forced && blas.architecture && blas.architecture.toLowerCase() === forced.toLowerCase()) {
    throw new Error(`the peer still runs the forced OpenBLAS kernel ${blas.architecture}; refusing to compare against it`);
  }
  return `numpy ${info.numpy}, ${blas.internal_api} ${blas.version ?? '?'} ${blas.architecture ?? ''} (${blas.threading_layer ?? '?'}, ${blas.num_threads} threads)`;
}

/** The machine load, to print beside every figure. */
export function loadLine(): string {
  const [a, b, c] = loadavg();
  return `load ${a!.toFixed(2)} / ${b!.toFixed(2)} / ${c!.toFixed(2)} (1/5/15 min) on ${availableParallelism()} cores`;
}

/** Busy processes that share the cores with both sides of a contended measurement. */
export interface Contention {
  readonly processes: number;
  stop(): void;
}

/**
 * Starts `n` CPU-bound processes (a tight loop each), the way other jobs share a cluster node or
 * a laptop. They run until {@link Contention.stop} or until this process exits.
 */
export function startContention(n: number): Contention {
  const children: ChildProcess[] = [];
  for (let i = 0; i < n; i++) {
    children.push(spawn(process.execPath, ['-e', 'let x = 0; for (;;) x = (x + 1) | 0;'], { stdio: 'ignore' }));
  }
  const stop = (): void => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  };
  process.once('exit', stop);
  return { processes: n, stop };
}

/** Reads `--name value` from argv. */
export function flag(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}
