/**
 * Downsampling benchmark: voxelwise's banded resamplers against the dense numpy formulation of the
 * same methods (tools/reference/downsample_reference.py), on the same data, in the same script.
 *
 *   node --conditions=@voxelwise/source --import tsx tools/bench/downsample/bench.ts            # LeBel scale
 *   node --conditions=@voxelwise/source --import tsx tools/bench/downsample/bench.ts --quick    # a few seconds
 *   ... --dtype float64     features stored as float64 instead of float32 (LM features are float32)
 *   ... --methods lanczos,sinc   a subset
 *   ... --numpy-threads 1        numpy's BLAS threads (default 2, the machine's cores)
 *   ... --scalar                 also time the banded methods on the scalar TypeScript kernel (the
 *                                one used where WebAssembly SIMD is missing), in the same run
 *
 * The banded methods are also timed on one thread (the worker thread of the banded product off:
 * the path where Worker/SharedArrayBuffer are missing, or VOXELWISE_DOWNSAMPLE_WORKERS=0), in the
 * same run, so both figures share the machine's load.
 *
 * LeBel scale: 27 stories of ≈2,000 words and ≈350 TRs (TR 2 s), 768 features. Times are the best
 * of `repeats` runs over all stories; numpy (Debian's, on its native OpenBLAS kernel: ../peers.ts)
 * uses 2 BLAS threads unless told otherwise, voxelwise one thread (plus the banded product's worker
 * thread for compute-heavy products such as Gabor's).
 * Results go to stdout and tools/bench/out/downsample-<config>-<dtype>.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import { createRng, matrix } from '@voxelwise/core';
import type { Matrix } from '@voxelwise/core';
import { downsample } from '@voxelwise/downsample';
import type { BuiltinDownsampler } from '@voxelwise/downsample';
// Internal switch of the banded kernel (the same module instance as the package's, via the source condition).
import { pairKernel, useScalarKernel } from '../../../packages/downsample/src/banded-kernel.js';
import { bandedWorkerReady, useBandedWorkers } from '../../../packages/downsample/src/banded-team.js';
import { PYTHON, inheritedOverrides, loadLine, peerEnv, peerKernel } from '../peers.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = args.includes('--quick');
const scalar = args.includes('--scalar');
const BANDED = new Set(['lanczos', 'sinc', 'gabor']);
const dtype = (flag('--dtype') ?? 'float32') as 'float32' | 'float64';
const config = quick
  ? { name: 'quick', stories: 3, words: 2000, trs: 350, features: 128, repeats: 3 }
  : { name: 'lebel', stories: 27, words: 2000, trs: 350, features: 768, repeats: 3 };

interface MethodSpec {
  label: string;
  name: BuiltinDownsampler;
  options: Record<string, unknown>;
  /** The same call in LITcoder's names, for the numpy side. */
  method: string;
  params: Record<string, unknown>;
}
const ALL: MethodSpec[] = [
  { label: 'lanczos', name: 'lanczos', options: { window: 3, cutoffMult: 1 }, method: 'lanczos', params: { window: 3, cutoff_mult: 1 } },
  {
    label: 'lanczos-rectify',
    name: 'lanczos',
    options: { window: 3, cutoffMult: 1, rectify: true },
    method: 'lanczos',
    params: { window: 3, cutoff_mult: 1, rectify: true },
  },
  { label: 'sinc-w1', name: 'sinc', options: { window: 1, cutoffMult: 1 }, method: 'sinc', params: { window: 1, cutoff_mult: 1 } },
  {
    label: 'sinc-w3-causal',
    name: 'sinc',
    options: { window: 3, cutoffMult: 1, causal: true },
    method: 'sinc',
    params: { window: 3, cutoff_mult: 1, causal: true },
  },
  { label: 'gabor', name: 'gabor', options: { freqs: [0.1, 0.25], sigma: 1 }, method: 'gabor', params: { freqs: [0.1, 0.25], sigma: 1 } },
  { label: 'rect', name: 'rect', options: {}, method: 'rect', params: {} },
];
const wanted = flag('--methods')?.split(',');
const methods = wanted ? ALL.filter((m) => wanted.includes(m.label) || wanted.includes(m.name)) : ALL;

interface StoryData {
  name: string;
  data: Matrix;
  dataTimes: Float64Array;
  trTimes: Float64Array;
}

/** Seeded LeBel-like stories: TR centres 1, 3, 5, … s; word times with irregular gaps over the grid. */
function makeStories(): StoryData[] {
  const rng = createRng(20261127);
  const out: StoryData[] = [];
  for (let s = 0; s < config.stories; s++) {
    const m = config.trs - 20 + rng.int(41);
    const n = config.words - 200 + rng.int(401);
    const trTimes = new Float64Array(m).map((_, i) => 1 + 2 * i);
    const duration = 2 * m;
    const gaps = new Float64Array(n).map(() => 0.2 + rng.next());
    let total = 0;
    for (const g of gaps) total += g;
    const dataTimes = new Float64Array(n);
    let t = 0;
    for (let j = 0; j < n; j++) {
      t += (gaps[j]! / total) * (duration - 1);
      dataTimes[j] = t;
    }
    const values = dtype === 'float32' ? new Float32Array(n * config.features) : new Float64Array(n * config.features);
    for (let k = 0; k < values.length; k++) values[k] = rng.normal();
    out.push({ name: `story${String(s).padStart(2, '0')}`, data: matrix(n, config.features, values), dataTimes, trTimes });
  }
  return out;
}

function writeInputs(dir: string, stories: StoryData[]): void {
  for (const s of stories) {
    writeFileSync(join(dir, `${s.name}.data`), new Uint8Array(s.data.data.buffer, s.data.data.byteOffset, s.data.data.byteLength));
    writeFileSync(join(dir, `${s.name}.times`), new Uint8Array(s.dataTimes.buffer));
    writeFileSync(join(dir, `${s.name}.tr`), new Uint8Array(s.trTimes.buffer));
  }
  const manifest = {
    dtype,
    features: config.features,
    repeats: config.repeats,
    // LITcoder's per-feature Gabor loop takes minutes at LeBel scale; time it in --quick only (one run).
    slowLoops: quick,
    stories: stories.map((s) => ({ name: s.name, words: s.data.rows, trs: s.trTimes.length })),
    methods: methods.map((m) => ({ label: m.label, method: m.method, params: m.params })),
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
}

function timeVoxelwise(spec: MethodSpec, stories: StoryData[], repeats = config.repeats): { seconds: number; outputs: Matrix[] } {
  const run = () =>
    stories.map((s) =>
      downsample({ data: s.data, dataTimes: s.dataTimes, trTimes: s.trTimes }, { name: spec.name, options: spec.options } as never),
    );
  let outputs = run(); // warm-up (JIT)
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    outputs = run();
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return { seconds: best, outputs };
}

/** max |voxelwise − numpy| / max |numpy| over all stories. */
function agreement(dir: string, spec: MethodSpec, stories: StoryData[], outputs: Matrix[]): number {
  let maxDiff = 0;
  let scale = 0;
  stories.forEach((s, k) => {
    const buf = readFileSync(join(dir, `${s.name}.${spec.label}.ref`));
    const ref = new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8);
    const out = outputs[k]!;
    if (ref.length !== out.data.length) throw new Error(`${spec.label} ${s.name}: ${out.data.length} values, numpy gave ${ref.length}`);
    for (let i = 0; i < ref.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(out.data[i]! - ref[i]!));
      scale = Math.max(scale, Math.abs(ref[i]!));
    }
  });
  return maxDiff / scale;
}

const stories = makeStories();
const dir = mkdtempSync(join(tmpdir(), 'voxelwise-bench-downsample-'));
try {
  writeInputs(dir, stories);
  const words = stories.reduce((a, s) => a + s.data.rows, 0);
  const trs = stories.reduce((a, s) => a + s.trTimes.length, 0);
  console.log(
    `downsample benchmark (${config.name}): ${stories.length} stories, ${words} words, ${trs} TRs, ${config.features} ${dtype} features; best of ${config.repeats}`,
  );
  const threads = Number(flag('--numpy-threads') ?? availableParallelism());
  const env = peerEnv(threads);
  console.log(`machine: ${loadLine()}; inherited BLAS kernel overrides: ${inheritedOverrides()}`);
  const kernel = pairKernel().kind === 'simd' ? 'WebAssembly SIMD' : 'scalar';
  const worker = await bandedWorkerReady();
  console.log(
    `numpy peer: ${peerKernel(threads)}; voxelwise: banded kernel ${kernel}, ${worker ? '1 thread + a worker thread for compute-heavy products' : '1 thread (no worker)'}`,
  );
  const py = spawnSync(PYTHON, [join(root, 'tools/reference/downsample_reference.py'), 'bench', dir], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    env,
  });
  console.log(`numpy peer done (${loadLine()})`);
  if (py.status !== 0) throw new Error(`numpy reference failed:\n${py.stderr}`);
  const numpy = JSON.parse(py.stdout) as { numpy: string; results: { label: string; seconds: Record<string, number> }[] };
  // One untimed pass of every method before any is timed, so that no method's figure includes the
  // growth of this process's heap: outputs are freed only when V8 collects them, and until the heap
  // holds a few passes' worth, new outputs land on fresh pages whose first touch is slow (on this
  // VM, writing the Lanczos outputs took 46 ms per pass at first against 11 ms once warm, and the
  // first method timed ran ≈ 10 % slower than the same code timed right after it).
  for (const spec of methods) timeVoxelwise(spec, stories, 0);
  const rows = methods.map((spec) => {
    const vw = timeVoxelwise(spec, stories);
    let oneThreadSeconds: number | null = null;
    if (BANDED.has(spec.name)) {
      useBandedWorkers('off');
      try {
        oneThreadSeconds = timeVoxelwise(spec, stories).seconds;
      } finally {
        useBandedWorkers('auto');
      }
    }
    let scalarSeconds: number | null = null;
    if (scalar && BANDED.has(spec.name)) {
      useScalarKernel(true);
      try {
        scalarSeconds = timeVoxelwise(spec, stories).seconds;
      } finally {
        useScalarKernel(false);
      }
    }
    const np = numpy.results.find((r) => r.label === spec.label)!.seconds;
    const dense = np['dense']!;
    const loop = np['litcoder-loop'];
    return {
      method: spec.label,
      voxelwiseSeconds: vw.seconds,
      voxelwiseOneThreadSeconds: oneThreadSeconds,
      voxelwiseScalarKernelSeconds: scalarSeconds,
      numpyDenseSeconds: dense,
      numpyLitcoderLoopSeconds: loop ?? null,
      speedup: Math.min(dense, loop ?? dense) / vw.seconds,
      maxRelDiff: agreement(dir, spec, stories, vw.outputs),
    };
  });
  console.log(`voxelwise done (${loadLine()})`);
  const pad = (s: string, n: number) => s.padEnd(n);
  console.log(
    `${pad('method', 17)}${pad('voxelwise', 12)}${pad('1 thread', 11)}${scalar ? pad('scalar kernel', 15) : ''}${pad('numpy dense', 14)}${pad('numpy loop', 13)}${pad('speed-up', 10)}max |Δ|/max|ref|`,
  );
  for (const r of rows) {
    console.log(
      `${pad(r.method, 17)}${pad(`${(r.voxelwiseSeconds * 1000).toFixed(0)} ms`, 12)}${pad(r.voxelwiseOneThreadSeconds === null ? '-' : `${(r.voxelwiseOneThreadSeconds * 1000).toFixed(0)} ms`, 11)}${scalar ? pad(r.voxelwiseScalarKernelSeconds === null ? '-' : `${(r.voxelwiseScalarKernelSeconds * 1000).toFixed(0)} ms`, 15) : ''}${pad(`${(r.numpyDenseSeconds * 1000).toFixed(0)} ms`, 14)}${pad(r.numpyLitcoderLoopSeconds === null ? '-' : `${(r.numpyLitcoderLoopSeconds * 1000).toFixed(0)} ms`, 13)}${pad(`${r.speedup.toFixed(2)}×`, 10)}${r.maxRelDiff.toExponential(1)}`,
    );
  }
  console.log(
    "speed-up = fastest numpy formulation / voxelwise (1 thread: the worker off, same run). dense: one (TRs × words) matrix per story; loop: LITcoder's structure (Lanczos matrix row by row; Gabor one feature and TR at a time, --quick only, one run).",
  );
  const outDir = join(root, 'tools/bench/out');
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `downsample-${config.name}-${dtype}.json`);
  const report = {
    config: { ...config, dtype, numpyThreads: threads, kernel, worker, load: loadLine() },
    node: process.version,
    numpy: numpy.numpy,
    rows,
    date: new Date().toISOString(),
  };
  writeFileSync(`${file}.tmp`, `${JSON.stringify(report, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  console.log(`written ${file}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
