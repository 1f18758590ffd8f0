import { sharedKernel } from './banded-kernel.js';
import type { SharedKernel } from './banded-kernel.js';

/**
 * The second thread of the banded product (banded.ts): one persistent worker, started lazily,
 * `unref()`-ed so that it never keeps a process alive, reused by every later call. It shares the
 * kernel's WebAssembly memory with the caller and claims TR pairs ("units") from a counter while
 * the caller is still copying source rows; each unit's sums land in a fixed place, so the bits do
 * not depend on who computed what. Node only (worker_threads, reached through
 * `process.getBuiltinModule`, so bundles for the browser never import it); elsewhere, and while
 * the worker is not running, the caller does everything on one thread.
 *
 * Control words, an Int32Array of their own (the protocol of banded.ts `threadedProduct`):
 */
export const CTL = {
  /** Job generation; the worker sleeps on it. */
  GEN: 0,
  /** `(gen & 0x7ff) << 20 | next unclaimed unit`; a unit is claimed by compare-and-swap. */
  NEXT: 1,
  /** Units whose weights and source rows are in memory. */
  READY: 2,
  /** The generation of a job the caller gave up (an error): a waiting worker stops. */
  ABORT: 3,
  /** 1 while the worker is awake with a job (it only writes memory while it is). */
  BUSY: 4,
  /** 0 starting, 1 running, 2 gone (failed to start, or exited). */
  STATE: 5,
  /** Byte address of the job descriptor (banded-kernel.wat `unit`). */
  JOB: 6,
  /** Units in the job. */
  UNITS: 7,
  /** Byte address of the job's done flags (one int32 per unit, 1 once its sums are stored). */
  DONE: 8,
  /** Byte address of the worker's two accumulator rows (`unit`'s `acc`), 0 for none. */
  ACC: 9,
  /** Units the worker has computed since it started (for the tests). */
  WORKED: 10,
  /** 1 while the worker sleeps until {@link CTL.READY} moves (the caller then wakes it). */
  SLEEPS: 11,
} as const;

/** The count field of {@link CTL.NEXT}; this value of it means "no more claims". */
export const UNIT_MASK = 0xfffff;

/**
 * The worker (a CommonJS script, run with `eval` so that it needs no file of its own in the
 * sources, the build or a bundle): it only claims units and calls the kernel's `unit`.
 */
const WORKER_SOURCE = `'use strict';
const { workerData } = require('node:worker_threads');
const { ctl: ctlBuffer, memory, bytes, fault } = workerData;
const ctl = new Int32Array(ctlBuffer);
const C = ${JSON.stringify(CTL)};
if (fault === 'start') throw new Error('test fault: the worker fails to start');
const kernel = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports;
let ints = new Int32Array(memory.buffer);
let seen = Atomics.load(ctl, C.GEN);
Atomics.store(ctl, C.STATE, 1);
for (;;) {
  let gen = Atomics.load(ctl, C.GEN);
  for (let spin = 0; gen === seen && spin < 100000; spin++) gen = Atomics.load(ctl, C.GEN);
  if (gen === seen) {
    Atomics.wait(ctl, C.GEN, seen, 1000);
    continue;
  }
  Atomics.store(ctl, C.BUSY, 1);
  gen = seen = Atomics.load(ctl, C.GEN);
  const tag = gen & 0x7ff;
  const job = Atomics.load(ctl, C.JOB);
  const units = Atomics.load(ctl, C.UNITS);
  const done = Atomics.load(ctl, C.DONE) >> 2;
  const acc = Atomics.load(ctl, C.ACC);
  if (ints.length !== memory.buffer.byteLength >> 2) ints = new Int32Array(memory.buffer);
  claims: for (;;) {
    const v = Atomics.load(ctl, C.NEXT);
    const q = v & ${UNIT_MASK};
    if (v >>> 20 !== tag || q >= units) break;
    if (Atomics.compareExchange(ctl, C.NEXT, v, v + 1) !== v) continue;
    for (let spin = 0; Atomics.load(ctl, C.READY) <= q; spin++) {
      if (Atomics.load(ctl, C.ABORT) === gen) break claims;
      if (spin < 20000) continue;
      Atomics.store(ctl, C.SLEEPS, 1);
      const ready = Atomics.load(ctl, C.READY);
      if (ready <= q) Atomics.wait(ctl, C.READY, ready, 1);
      Atomics.store(ctl, C.SLEEPS, 0);
    }
    if (fault === 'unit') throw new Error('test fault: the worker dies holding a unit');
    kernel.unit(job, q, acc);
    Atomics.add(ctl, C.WORKED, 1);
    Atomics.store(ints, done + q, 1);
    Atomics.notify(ints, done + q);
  }
  Atomics.store(ctl, C.BUSY, 0);
}
`;

/** How the banded product may use the worker (see {@link useBandedWorkers}). */
export type WorkerMode = 'auto' | 'off' | 0 | 1;

/** Test faults of the worker: it throws before it runs, or once it has claimed its first unit. */
type WorkerFault = 'start' | 'unit';

/** A shared kernel, its control words, and the worker that shares them (if any). */
export interface Team {
  readonly kernel: SharedKernel;
  readonly ctl: Int32Array;
  /** The last job generation used. */
  gen: number;
  /**
   * False after a job that ended with a unit still held by the worker (a takeover or an error):
   * the memory is not used again until the worker is seen idle.
   */
  clean: boolean;
  /**
   * Jobs left to run on one thread after a job that did not run on two cores at once (see
   * {@link judgeJob}) or needed a takeover, and how many the next such job imposes (doubling up
   * to 64, halved by each job that ran in parallel): on a machine whose cores are busy with
   * other work the two threads often share one core, and then the hand-overs cost more than they
   * save.
   */
  backoff: number;
  penalty: number;
  /**
   * Wall and CPU milliseconds of the jobs run on the team since the last judgement (see
   * {@link judgeJob}).
   */
  judgedWall: number;
  judgedCpu: number;
  /** Milliseconds the caller waits on a unit held by the worker before computing it itself. */
  readonly takeoverMs: number;
  /** False: the caller leaves every unit to the worker (tests). */
  readonly callerClaims: boolean;
}

interface WorkerLike {
  unref(): void;
  terminate(): Promise<number>;
  on(event: 'error' | 'exit', listener: () => void): void;
}
type WorkerCtor = new (source: string, options: { eval: true; workerData: unknown }) => WorkerLike;

/** Below this many multiply-adds a job runs on one thread (handing it over costs more). */
const MIN_WORK = 2 ** 21;
/**
 * Below this many multiply-adds per source value the caller copies, a job runs on one thread:
 * the copy and the hand-over of results stay with the caller, and the worker, on the shared
 * memory (whose code V8 runs ≈ 15 % slower) and reading rows the other core has written, spends
 * about twice the caller's CPU time per pair. Measured on the idle 2-core machine at LeBel scale
 * (2026-12-06, one process, worker and one thread alternating, median of 12): `sinc` (2–2.5 per
 * value) 63 → 67 ms with the worker; `lanczos` window 3 (7) 99 → 89 ms and rectify (14) 234 →
 * 185 ms once warm, but in the first ten passes of a fresh process its passes ranged from 75 to
 * 245 ms (one thread: 95–130 ms), and in the benchmark's order it gained nothing (104 against
 * 102 ms); `gabor` (70) 1092 → 720 ms. So the threshold stays at 20, which only Gabor reaches.
 */
const MIN_INTENSITY = 20;

let mode: WorkerMode = 'auto';
let fault: WorkerFault | undefined;
/**
 * A pair takes microseconds; a worker that holds one for milliseconds has been descheduled (a
 * busy machine) or is gone.
 */
const TAKEOVER_MS = 2;
let takeoverMs = TAKEOVER_MS;
let callerClaims = true;
let team: (Team & { worker?: WorkerLike }) | null | undefined; // null: not available here
let solo: Team | null | undefined;

function workerCtor(): WorkerCtor | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const threads = proc?.getBuiltinModule?.('node:worker_threads') as { Worker?: WorkerCtor } | undefined;
  return threads?.Worker;
}

let parallelism: number | undefined;

function cores(): number {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown; env?: Record<string, string | undefined> } })
    .process;
  if (proc?.env?.['VOXELWISE_DOWNSAMPLE_WORKERS'] === '0') return 1;
  if (parallelism === undefined) {
    const os = proc?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number } | undefined;
    parallelism = os?.availableParallelism?.() ?? 1;
  }
  return parallelism;
}

function makeTeam(): Team | null {
  const kernel = sharedKernel();
  if (!kernel) return null;
  return {
    kernel,
    ctl: new Int32Array(new SharedArrayBuffer(16 * 4)),
    gen: 0,
    clean: true,
    backoff: 0,
    penalty: 0,
    judgedWall: 0,
    judgedCpu: 0,
    takeoverMs,
    callerClaims,
  };
}

function startTeam(): (Team & { worker?: WorkerLike }) | null {
  const Worker = workerCtor();
  const base = Worker ? makeTeam() : null;
  if (!Worker || !base) return null;
  const t: Team & { worker?: WorkerLike } = base;
  const gone = (): void => {
    Atomics.store(t.ctl, CTL.STATE, 2);
  };
  try {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { ctl: t.ctl.buffer, memory: t.kernel.memory, bytes: t.kernel.bytes, fault },
    });
    worker.unref();
    worker.on('error', gone);
    worker.on('exit', gone);
    t.worker = worker;
  } catch {
    gone();
  }
  return t;
}

/**
 * The team for a job of `work` multiply-adds on `copied` source values, or undefined to run it on
 * one thread: no worker here (browser, no SharedArrayBuffer), fewer than 2 cores (or
 * `VOXELWISE_DOWNSAMPLE_WORKERS=0`), a small job or one with few multiply-adds per value, a worker not running yet (it starts on the first call that could use it) or gone,
 * or one still busy with a job the caller gave up. `useBandedWorkers(0)` gives a team without a
 * worker (the caller claims every unit) and `1` one with the worker whatever the job's size.
 */
export function bandedTeam(work: number, copied = 0): Team | undefined {
  if (mode === 'off') return undefined;
  if (mode === 0) {
    if (solo === undefined) solo = makeTeam();
    return solo ?? undefined;
  }
  if (mode === 'auto' && (work < MIN_WORK || work < MIN_INTENSITY * copied || cores() < 2)) return undefined;
  if (team === undefined) team = startTeam();
  if (!team) return undefined;
  const state = Atomics.load(team.ctl, CTL.STATE);
  if (state === 2 || (state === 0 && mode === 'auto')) return undefined;
  if (team.backoff > 0 && mode === 'auto') {
    team.backoff--;
    return undefined;
  }
  if (!team.clean) {
    if (Atomics.load(team.ctl, CTL.BUSY) !== 0) return undefined;
    team.clean = true;
  }
  return team;
}

/** Below this ratio of process CPU time to wall time, a job did not run on two cores at once. */
const PARALLEL = 1.3;

/** The process's CPU time in milliseconds (all threads), where the runtime gives it. */
export function cpuMs(): number | undefined {
  const proc = (globalThis as { process?: { cpuUsage?: () => { user: number; system: number } } }).process;
  const usage = proc?.cpuUsage?.();
  return usage ? (usage.user + usage.system) / 1000 : undefined;
}

/**
 * Jobs are judged together until they add up to this many milliseconds of wall time: the kernel
 * adds a running thread's CPU time to the process's total only at scheduler ticks (1–4 ms), so
 * the ratio of one short job says little (a LeBel story's Lanczos product takes ≈ 3 ms, and a
 * third of such jobs read exactly 1.00 with both threads busy throughout).
 */
export const JUDGE_MS = 40;

/**
 * Records how a job on the team went: `wall` milliseconds of wall time for `cpu` milliseconds of
 * the process's CPU time. Once the jobs since the last judgement add up to {@link JUDGE_MS}, their
 * summed ratio is judged: with both threads busy on two cores it is near 2; near 1 they took turns
 * on one core (other processes hold the rest), the worker then only adds hand-overs, and the next
 * jobs run on one thread (see {@link Team.backoff}).
 */
export function judgeJob(team: Team, wall: number, cpu: number): void {
  team.judgedWall += wall;
  team.judgedCpu += cpu;
  if (team.judgedWall < JUDGE_MS) return;
  const parallel = team.judgedCpu >= PARALLEL * team.judgedWall;
  team.judgedWall = 0;
  team.judgedCpu = 0;
  if (!parallel) {
    team.penalty = Math.min(64, 2 * team.penalty || 1);
    team.backoff = team.penalty;
  } else team.penalty >>= 1;
}

/** Test options of {@link useBandedWorkers}. */
export interface WorkerTestOptions {
  /** Make the worker fail (see {@link WorkerFault}). */
  readonly fault?: WorkerFault;
  /** Milliseconds before the caller computes a unit the worker holds. @default 2 */
  readonly takeoverMs?: number;
  /** False: the caller claims no unit and waits for the worker to compute all. @default true */
  readonly callerClaims?: boolean;
}

/**
 * Chooses how the banded product uses the worker thread — for the tests and the benchmark; not
 * part of the public API. `auto` (the default): the worker where it helps; `off`: one thread;
 * `0`: the two-thread code path with the caller alone; `1`: the worker for every job. Other test
 * options than before start a new worker (the old one is stopped).
 */
export function useBandedWorkers(next: WorkerMode, options: WorkerTestOptions = {}): void {
  mode = next;
  const nextTakeover = options.takeoverMs ?? TAKEOVER_MS;
  const nextClaims = options.callerClaims ?? true;
  const restart = options.fault !== fault || nextTakeover !== takeoverMs || nextClaims !== callerClaims;
  fault = options.fault;
  takeoverMs = nextTakeover;
  callerClaims = nextClaims;
  if (restart) {
    void team?.worker?.terminate();
    team = undefined;
    solo = undefined;
  }
}

/** Units the current worker has computed since it started (for the tests). */
export function bandedWorkerUnits(): number {
  return team ? Atomics.load(team.ctl, CTL.WORKED) : 0;
}

/**
 * Resolves once the worker runs (true), or has failed to start or exited (false); starts it if
 * needed. For the tests and the benchmark.
 */
export async function bandedWorkerReady(): Promise<boolean> {
  if (team === undefined) team = startTeam();
  if (!team) return false;
  for (;;) {
    const state = Atomics.load(team.ctl, CTL.STATE);
    if (state !== 0) return state === 1;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
