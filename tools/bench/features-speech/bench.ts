/**
 * Speech feature benchmark: a Whisper-base-sized random encoder (6 blocks, d = 512, 8 heads,
 * FFN 2,048, 80 mel bins, built with createTinyWhisperEncoder into a temporary folder) over
 * 10 minutes of generated audio with LITcoder's speech-tutorial windows (chunk 0.1 s, context
 * 16 s: 5,841 windows), in five modes:
 *
 * - `padded`: each window zero-padded to 30 s, one 1,500-frame encoder pass per window (LITcoder);
 * - `trimmed`: the encoder reads only the window's 800 frames (`whisperInput: 'trimmed'`);
 * - `padded-L3`: padded, the graph stopped at layer 3 (`layers: 'needed'`, 4 of 6 blocks; exact);
 * - `padded-L3-hop1`: that, with a readout hop of 1 s (`hop: 1`: one pass over 16.9 s of audio
 *   reads 10 windows' rows);
 * - `trimmed-L3-hop1`: the same on the pass's 845 frames only.
 *
 * Each runs `batch` encoder passes per onnxruntime call (default 2). Passes are sampled evenly over
 * the story (`--sample`, default 6 per mode); windows/s is measured on them and the whole story's
 * time extrapolated (every pass costs the same). The machine's onnxruntime MatMul rate on the FFN's
 * GEMM (1,500 × 512 · 512 × 2,048) is measured in the same process, before, between and after,
 * as the reference for the share of the machine the encoder achieves.
 *
 *   node --conditions=@voxelwise/source --import tsx tools/bench/features-speech/bench.ts
 *   ... --quick          2 blocks, d = 128 (seconds)
 *   ... --sample 12      encoder passes per mode
 *   ... --batch 4        encoder passes per onnxruntime call
 *   ... --threads 2      onnxruntime intra-op threads for the model and the MatMul reference
 *
 * FLOPs per pass from the shapes run (2·M·N·K): per block run 24·T·d² (QKV, output projection,
 * FFN of 4d) + 4·T²·d (scores, weighted values); the two convolutions 2·(2T)·80·3·d + 2·T·3·d².
 * Results go to stdout and tools/bench/out/features-speech[-quick].json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng } from '@voxelwise/core';
import { GraphBuilder, FLOAT, loadOnnx, valueInfo } from '@voxelwise/onnx-tools';
import {
  createTinyWhisperEncoder,
  encodeWav,
  loadAudio,
  openSpeechModel,
  releaseSpeechModel,
  runSpeechWindows,
  speechWindows,
  storyLogMel,
  whisperRealFrames,
} from '@voxelwise/features-speech';
import type { SpeechWindows } from '@voxelwise/features-speech';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = args.includes('--quick');
const threads = flag('--threads') ? Number(flag('--threads')) : undefined;
const sample = Number(flag('--sample') ?? 6);
const batch = Number(flag('--batch') ?? 2);
const shape = quick ? { layers: 2, dModel: 128, heads: 2, ffn: 512 } : { layers: 6, dModel: 512, heads: 8, ffn: 2048 };
const SECONDS = 600;
const RATE = 16000;
const CHUNK = 0.1;
const CONTEXT = 16;
const log = (s: string) => process.stdout.write(`${s}\n`);
const uptime = () => execFileSync('uptime', { encoding: 'utf8' }).trim();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** FLOPs of one encoder pass of `T` frames through `blocks` blocks. */
function windowFlops(T: number, blocks: number = shape.layers): number {
  const { dModel: d, ffn } = shape;
  const perBlock = 8 * T * d * d + 4 * T * d * ffn + 4 * T * T * d;
  return blocks * perBlock + 2 * (2 * T) * 80 * 3 * d + 2 * T * 3 * d * d;
}

/** The layer the truncated modes stop at (LITcoder's tutorial: 3; the quick model has 2 blocks). */
const LAYER = quick ? 0 : 3;
/** Seconds between encoder passes in the hop modes. */
const HOP = 1;

/** A benchmark mode: Whisper input, blocks run, windows read out per pass. */
interface Mode {
  readonly name: string;
  readonly input: 'padded' | 'trimmed';
  readonly blocks: number;
  readonly readouts: number;
}
const MODES: readonly Mode[] = [
  { name: 'padded', input: 'padded', blocks: shape.layers, readouts: 1 },
  { name: 'trimmed', input: 'trimmed', blocks: shape.layers, readouts: 1 },
  { name: `padded-L${LAYER}`, input: 'padded', blocks: LAYER + 1, readouts: 1 },
  { name: `padded-L${LAYER}-hop${HOP}`, input: 'padded', blocks: LAYER + 1, readouts: Math.round(HOP / CHUNK) },
  { name: `trimmed-L${LAYER}-hop${HOP}`, input: 'trimmed', blocks: LAYER + 1, readouts: Math.round(HOP / CHUNK) },
];

/** An onnxruntime MatMul on the FFN's GEMM (float32, same threads); each call returns GFLOP/s (median of `reps`). */
async function matmulProbe(): Promise<(reps?: number) => Promise<number>> {
  const ort = await import('onnxruntime-node');
  const pb = loadOnnx();
  const g = new GraphBuilder(pb);
  g.output(g.node('/mm', 'MatMul', ['A', 'B']), 'C');
  const bytes = pb.ModelProto.encode(
    pb.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 13 }],
      graph: {
        node: g.nodes,
        input: [valueInfo('A', FLOAT, ['M', 'K']), valueInfo('B', FLOAT, ['K', 'N'])],
        output: [valueInfo('C', FLOAT, ['M', 'N'])],
      },
    }),
  ).finish();
  const session = await ort.InferenceSession.create(bytes, { interOpNumThreads: 1, ...(threads ? { intraOpNumThreads: threads } : {}) });
  const [M, K, N] = [1500, shape.dModel, shape.ffn];
  const rng = createRng(1);
  const A = new ort.Tensor(
    'float32',
    Float32Array.from({ length: M * K }, () => rng.next() - 0.5),
    [M, K],
  );
  const B = new ort.Tensor(
    'float32',
    Float32Array.from({ length: K * N }, () => rng.next() - 0.5),
    [K, N],
  );
  await session.run({ A, B });
  return async (reps = 7) => {
    const rates: number[] = [];
    for (let r = 0; r < reps; r++) {
      const t0 = performance.now();
      (await session.run({ A, B }))['C']!.dispose();
      rates.push((2 * M * N * K) / ((performance.now() - t0) / 1000) / 1e9);
    }
    return median(rates);
  };
}

/** 10 minutes of tones with slow envelopes (the cost does not depend on the signal). */
function story(): Float32Array {
  const x = new Float32Array(SECONDS * RATE);
  for (let i = 0; i < x.length; i++) {
    const t = i / RATE;
    x[i] =
      0.3 * (0.5 + 0.5 * Math.sin(0.7 * t)) * Math.sin(2 * Math.PI * 220 * t) +
      0.2 * Math.sin(2 * Math.PI * (700 + 300 * Math.sin(0.1 * t)) * t);
  }
  return x;
}

/**
 * `n` passes of `readouts` consecutive windows each, spread evenly over the story: the runner
 * groups the result `readouts` at a time, so each group is one pass as in a whole-story run.
 */
function pick(w: SpeechWindows, n: number, readouts = 1): SpeechWindows {
  const groups = Math.floor(w.ends.length / readouts);
  const k = Math.min(n, groups);
  const idx = Array.from({ length: k }, (_, i) => Math.floor((i * groups) / k) * readouts).flatMap((g) =>
    Array.from({ length: readouts }, (_, r) => g + r),
  );
  return {
    ...w,
    starts: Int32Array.from(idx, (i) => w.starts[i]!),
    ends: Int32Array.from(idx, (i) => w.ends[i]!),
    times: Float64Array.from(idx, (i) => w.times[i]!),
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vw-speech-bench-'));
  try {
    log(`load before: ${uptime()}`);
    const t0 = performance.now();
    const model = await createTinyWhisperEncoder(join(dir, 'model'), { seed: 1, ...shape });
    log(
      `model: Whisper encoder ${shape.layers} blocks × d ${shape.dModel}, ${shape.heads} heads, FFN ${shape.ffn} (${(model.bytes / 1e6).toFixed(0)} MB, built in ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );
    const wav = join(dir, 'story.wav');
    writeFileSync(wav, encodeWav([story()], RATE, 'pcm16'));
    const m = await openSpeechModel({ model: model.dir, cacheDir: dir });
    let t = performance.now();
    const audio = await loadAudio(wav, RATE);
    const loadS = (performance.now() - t) / 1000;
    const all = speechWindows(audio.samples.length, RATE, CHUNK, CONTEXT);
    const windows = pick(all, sample);
    log(
      `story: ${SECONDS} s at ${RATE} Hz, chunk ${CHUNK} s, context ${CONTEXT} s → ${all.ends.length} windows; ${windows.ends.length} passes sampled per mode, ${batch} per call`,
    );
    const probe = await matmulProbe();
    const mm = [await probe()];
    log(`onnxruntime MatMul 1500×${shape.dModel}·${shape.dModel}×${shape.ffn} float32: ${mm[0]!.toFixed(1)} GFLOP/s`);

    // Preprocessing alone (transformers.js log-mel of the 30 s padded window).
    const pre = await m.preprocessor();
    t = performance.now();
    for (let i = 0; i < windows.ends.length; i++) await pre(audio.samples.subarray(windows.starts[i]!, windows.ends[i]!));
    const preS = (performance.now() - t) / 1000 / windows.ends.length;
    log(`log-mel (transformers.js WhisperFeatureExtractor): ${(preS * 1000).toFixed(0)} ms per window`);

    // The shared log-mel: one STFT of the story (every frame touched once), then one copy per window.
    const fe = (await m.whisperFrontEnd())!;
    t = performance.now();
    const shared = storyLogMel(audio.samples, fe, all.chunkSamples)!;
    for (let i = 0; i < all.ends.length; i += Math.round(CONTEXT / CHUNK)) shared(all.starts[i]!, all.ends[i]!);
    shared(all.starts[all.ends.length - 1]!, all.ends[all.ends.length - 1]!);
    const stftS = (performance.now() - t) / 1000;
    t = performance.now();
    for (let i = 0; i < windows.ends.length; i++) shared(windows.starts[i]!, windows.ends[i]!);
    const sharedS = stftS / all.ends.length + (performance.now() - t) / 1000 / windows.ends.length;
    log(
      `shared log-mel: ${stftS.toFixed(1)} s for the story's STFT → ${(sharedS * 1000).toFixed(1)} ms per window amortised (${(preS / sharedS).toFixed(0)}× less)`,
    );

    const results: Record<string, unknown> = {};
    for (const mode of MODES) {
      const { input, blocks, readouts } = mode;
      const passSamples = all.contextSamples + (readouts - 1) * all.chunkSamples;
      const T = input === 'padded' ? 1500 : whisperRealFrames(m.info, passSamples);
      const sampled = pick(all, sample, readouts);
      const passes = sampled.ends.length / readouts;
      const run = (w: SpeechWindows) =>
        runSpeechWindows(m, audio.samples, w, {
          pool: 'last',
          whisperFrames: 'real',
          whisperInput: input,
          preprocess: shared,
          batchSize: batch,
          readouts,
          layers: blocks,
          ...(threads ? { threads } : {}),
        });
      // One warm-up call (session creation, graph optimisation) outside the timing.
      await run(pick(all, batch, readouts));
      const before = await probe(3);
      t = performance.now();
      await run(sampled);
      // The story's STFT, amortised over its passes, belongs to the cost of each pass.
      const storyPasses = Math.ceil(all.ends.length / readouts);
      const s = (performance.now() - t) / 1000 + (stftS * passes) / storyPasses;
      const after = await probe(3);
      mm.push(before, after);
      const wps = sampled.ends.length / s;
      const gflopPerPass = windowFlops(T, blocks) / 1e9;
      const gflops = (gflopPerPass * passes) / s;
      const share = gflops / ((before + after) / 2);
      results[mode.name] = {
        input,
        blocks,
        readouts,
        frames: T,
        gflopPerPass,
        passesPerStory: storyPasses,
        seconds: s,
        passesPerSecond: passes / s,
        windowsPerSecond: wps,
        audioSecondsPerSecond: wps * CHUNK,
        logMelSharePercent: (100 * sharedS * passes) / s,
        gflops,
        matmulGflops: (before + after) / 2,
        shareOfMatmul: share,
        storyMinutes: all.ends.length / wps / 60,
      };
      log(
        `${mode.name.padEnd(16)}: ${T} frames × ${blocks} blocks, ${gflopPerPass.toFixed(1)} GFLOP/pass, ${readouts} rows/pass; ${passes} passes in ${s.toFixed(1)} s → ${wps.toFixed(3)} windows/s = ${(wps * CHUNK).toFixed(4)} s of audio per s; ${gflops.toFixed(1)} GFLOP/s = ${(100 * share).toFixed(0)} % of MatMul (${((before + after) / 2).toFixed(1)}); 10 min story ≈ ${(all.ends.length / wps / 60).toFixed(0)} min`,
      );
    }
    await releaseSpeechModel(m);
    const load = uptime();
    log(`load after: ${load}`);
    const out = {
      date: new Date().toISOString(),
      cpus: cpus().length,
      cpu: cpus()[0]?.model,
      load,
      threads: threads ?? 'default',
      shape,
      story: { seconds: SECONDS, windows: all.ends.length, chunk: CHUNK, context: CONTEXT, sampled: windows.ends.length, batch },
      audioLoadSeconds: loadS,
      logMelSecondsPerWindow: { perWindowExtractor: preS, shared: sharedS, storyStftSeconds: stftS },
      matmulGflops: { runs: mm, max: Math.max(...mm) },
      results,
    };
    mkdirSync(join(root, 'tools', 'bench', 'out'), { recursive: true });
    writeFileSync(join(root, 'tools', 'bench', 'out', `features-speech${quick ? '-quick' : ''}.json`), `${JSON.stringify(out, null, 2)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
