/**
 * Language-model feature benchmark: a GPT-2-small-sized random model (12 layers, d = 768,
 * 12 heads, 1,024 positions, built with createTinyGpt2 into a temporary folder) over a
 * 2,000-word story, `fullcontext` lookback 256 (LITcoder: one context per word) against
 * `sliding` (the story in overlapping 1,024-token windows), plus the machine's onnxruntime
 * MatMul rate measured in the same process as the reference for achieved GFLOP/s.
 *
 *   node --conditions=@voxelwise/source --import tsx tools/bench/features-lm/bench.ts
 *   ... --sample 60      fullcontext runs on 60 words spread evenly over the story (default);
 *                        words/s is measured on them and the full story's time extrapolated
 *   ... --full           fullcontext on all 2,000 words (about half an hour on 2 cores)
 *   ... --quick          a 4-layer, d = 256 model and a 500-word story (seconds)
 *   ... --threads 2      onnxruntime intra-op threads for the model and the MatMul reference
 *
 * FLOPs are counted from the shapes actually run (padding included): per layer
 * 24·d²·B·T (QKV, output projection, MLP) + 4·B·T²·d (scores and weighted values), the 2·M·N·K
 * convention. Results go to stdout and tools/bench/out/features-lm[-quick].json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { onnx as Onnx } from 'onnx-proto';
import { createRng } from '@voxelwise/core';
import {
  contextPlan,
  createTinyGpt2,
  fullContexts,
  makeBatches,
  openLmModel,
  releaseLmModel,
  runPlan,
  slidingPlan,
  tokenizeStory,
} from '@voxelwise/features-lm';
import type { ExtractionPlan } from '@voxelwise/features-lm';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = args.includes('--quick');
const full = args.includes('--full');
const threads = flag('--threads') ? Number(flag('--threads')) : undefined;
const shape = quick ? { layers: 4, dModel: 256, heads: 4, positions: 1024 } : { layers: 12, dModel: 768, heads: 12, positions: 1024 };
const nWords = quick ? 500 : 2000;
const lookback = 256;
const sample = full ? nWords : Number(flag('--sample') ?? (quick ? 40 : 60));
const memoryBudget = 1024 ** 3; // what the extractor gives activations under the default 4 GiB run budget

const peakRssMb = () => process.resourceUsage().maxRSS / 1024;
const log = (s: string) => process.stdout.write(`${s}\n`);

/** A transcript-like word stream: common English words with Zipf-like frequencies, a few empty words. */
function story(n: number): string[] {
  const vocab = (
    'the and i to a was it of that in he you she they we but so my his her had on for with as at this ' +
    'there were what like just about when all one be me not out up then said know from because would have do ' +
    'could time back people little really going thought house going mother father night school water every ' +
    'remember everything nothing something window morning kitchen brother sister friend story moment looked ' +
    'started walked turned suddenly finally together anyway actually beautiful strange terrible wonderful ' +
    'apartment hospital neighborhood conversation understand afternoon basically gymnastics grandmother ' +
    "couldn't we'd they'll uh um skateboarding refrigerator psychologist uncomfortable mispronounced " +
    'kalamazoo headquarters photosynthesis embarrassed cafeteria lieutenant chihuahua saxophone ' +
    'archaeologist bewildered choreographer dishwasher entrepreneur flabbergasted gingerbread hypothetically ' +
    'idiosyncratic jackhammer kindergarten labyrinth meteorologist nonchalantly oceanographer paraphernalia ' +
    'quarterback rhinoceros stethoscope thermostat ukulele ventriloquist wheelbarrow xylophone yesteryear zucchini'
  ).split(' ');
  const rng = createRng(2000);
  return Array.from({ length: n }, () => {
    if (rng.next() < 0.02) return '';
    // A power of a uniform favours the first (common) words; the tail is long multi-token words,
    // so the story has ≈1.3 GPT-2 tokens per word, like spoken-story transcripts.
    return vocab[Math.floor(rng.next() ** 1.2 * vocab.length)]!;
  });
}

/** A reusable onnxruntime MatMul on a GEMM the size of the model's MLP (float32, same threads); each call returns GFLOP/s (median of `reps`). */
async function matmulProbe(d: number): Promise<(reps?: number) => Promise<number>> {
  const ort = await import('onnxruntime-node');
  const { onnx } = createRequire(import.meta.url)('onnx-proto') as { onnx: typeof Onnx };
  const vi = (name: string, dims: string[]) => ({
    name,
    type: { tensorType: { elemType: 1, shape: { dim: dims.map((p) => ({ dimParam: p })) } } },
  });
  const graph = onnx.GraphProto.create({
    name: 'mm',
    node: [onnx.NodeProto.create({ opType: 'MatMul', input: ['A', 'B'], output: ['C'], name: 'mm' })],
    input: [vi('A', ['M', 'K']), vi('B', ['K', 'N'])],
    output: [vi('C', ['M', 'N'])],
  });
  const bytes = onnx.ModelProto.encode(
    onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 13 }], graph }),
  ).finish();
  const session = await ort.InferenceSession.create(bytes, { interOpNumThreads: 1, ...(threads ? { intraOpNumThreads: threads } : {}) });
  const M = 4096;
  const K = d;
  const N = 4 * d;
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
    const times: number[] = [];
    for (let r = 0; r < reps; r++) {
      const t0 = performance.now();
      await session.run({ A, B });
      times.push((performance.now() - t0) / 1000);
    }
    times.sort((a, b) => a - b);
    return (2 * M * N * K) / times[Math.floor(reps / 2)]! / 1e9;
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** FLOPs of running a plan, from the batch shapes the runner uses (padding included) and without padding. */
function flops(plan: ExtractionPlan, L: number, d: number, heads: number): { executed: number; useful: number } {
  let executed = 0;
  let useful = 0;
  const perToken = (T: number) => L * (24 * d * d + 4 * T * d);
  for (const batch of makeBatches(plan.sequences, d, heads, { memoryBudget })) {
    const T = Math.max(...batch.map((i) => plan.sequences[i]!.ids.length));
    executed += batch.length * T * perToken(T);
    for (const i of batch) {
      const t = plan.sequences[i]!.ids.length;
      useful += t * perToken(t);
    }
  }
  return { executed, useful };
}

const tmp = mkdtempSync(join(tmpdir(), 'features-lm-bench-'));
try {
  log(
    `features-lm benchmark${quick ? ' (quick)' : ''}: ${shape.layers} layers, d=${shape.dModel}, ${shape.heads} heads, ${shape.positions} positions; ${nWords} words; lookback ${lookback}`,
  );
  log(
    `machine: ${cpus().length} cpus (${cpus()[0]?.model ?? '?'}), load ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}, node ${process.version}, onnxruntime threads ${threads ?? 'default'}`,
  );
  let t0 = performance.now();
  const built = await createTinyGpt2(join(tmp, 'model'), { seed: 1, ...shape });
  log(`built the model in ${((performance.now() - t0) / 1000).toFixed(1)} s (${(built.bytes / 1e6).toFixed(0)} MB)`);

  // The machine is shared and noisy: the MatMul reference is measured before, between and after
  // the two runs, and the best of them is the reference (so the efficiency reported is conservative).
  const matmulRate = await matmulProbe(shape.dModel);
  const mmRuns = [await matmulRate()];
  log(`onnxruntime MatMul 4096×${shape.dModel}·${shape.dModel}×${4 * shape.dModel} float32: ${mmRuns[0]!.toFixed(1)} GFLOP/s`);

  const model = await openLmModel({ model: built.dir, cacheDir: join(tmp, 'cache') });
  const tok = await model.tokenizer();
  t0 = performance.now();
  const runner = await model.runner(threads);
  log(`session ready in ${((performance.now() - t0) / 1000).toFixed(1)} s; peak RSS so far ${peakRssMb().toFixed(0)} MB`);
  const L = shape.layers + 1;
  const words = story(nWords);
  const bos = model.info.bosId;

  // sliding: the whole story, end to end (tokenise once, plan windows, run).
  t0 = performance.now();
  const storyTokens = tokenizeStory(words, tok.encode);
  const slPlan = slidingPlan(storyTokens, bos, 'lastToken', lookback, shape.positions);
  const slStoryTokens = storyTokens.ids.length;
  const slPlanS = (performance.now() - t0) / 1000;
  t0 = performance.now();
  await runPlan(runner, slPlan, { memoryBudget });
  const slRunS = (performance.now() - t0) / 1000;
  const slFlops = flops(slPlan, shape.layers, shape.dModel, shape.heads);
  const slWords = slPlan.sequences.reduce((a, s) => a + s.targets.length, 0);
  const sliding = {
    words: slWords,
    passes: slPlan.sequences.length,
    storyTokens: slStoryTokens,
    tokens: slPlan.tokens,
    planSeconds: slPlanS,
    runSeconds: slRunS,
    wordsPerSecond: slWords / (slPlanS + slRunS),
    tokensPerSecond: slPlan.tokens / slRunS,
    gflops: slFlops.executed / slRunS / 1e9,
    peakRssMb: peakRssMb(),
  };
  log(`story: ${nWords} words (${slWords} non-empty), ${slStoryTokens} tokens (${(slStoryTokens / slWords).toFixed(2)} per word)`);
  log(
    `sliding:     ${slWords} words, ${sliding.passes} windows, ${sliding.tokens} tokens; ${slPlanS.toFixed(2)} s tokenise+plan + ${slRunS.toFixed(1)} s run → ${sliding.wordsPerSecond.toFixed(1)} words/s, ${sliding.tokensPerSecond.toFixed(0)} tokens/s, ${sliding.gflops.toFixed(1)} GFLOP/s`,
  );

  mmRuns.push(await matmulRate());
  // fullcontext: contexts for the whole story (LITcoder construction), then a sample of words spread evenly.
  t0 = performance.now();
  const contexts = fullContexts(words, lookback, tok);
  const fcPlan = contextPlan('bench', contexts, tok.encode, bos, 'lastToken', shape.positions);
  const fcPlanS = (performance.now() - t0) / 1000;
  const step = fcPlan.sequences.length / Math.min(sample, fcPlan.sequences.length);
  const picked = Array.from({ length: Math.min(sample, fcPlan.sequences.length) }, (_, i) => fcPlan.sequences[Math.floor(i * step)]!);
  const fcSample: ExtractionPlan = { sequences: picked, nRows: fcPlan.nRows, tokens: picked.reduce((a, s) => a + s.ids.length, 0) };
  t0 = performance.now();
  await runPlan(runner, fcSample, { memoryBudget });
  const fcRunS = (performance.now() - t0) / 1000;
  const fcFlops = flops(fcSample, shape.layers, shape.dModel, shape.heads);
  const planPerWord = fcPlanS / fcPlan.sequences.length;
  const fcWps = picked.length / (fcRunS + planPerWord * picked.length);
  const fullcontext = {
    words: picked.length,
    storyWords: fcPlan.sequences.length,
    tokens: fcSample.tokens,
    storyTokens: fcPlan.tokens,
    planSeconds: fcPlanS,
    runSeconds: fcRunS,
    wordsPerSecond: fcWps,
    tokensPerSecond: fcSample.tokens / fcRunS,
    gflops: fcFlops.executed / fcRunS / 1e9,
    estimatedStorySeconds: fcPlan.sequences.length / fcWps,
    peakRssMb: peakRssMb(),
  };
  log(
    `fullcontext: ${picked.length} of ${fcPlan.sequences.length} words (evenly spaced), ${fcSample.tokens} tokens; ${fcRunS.toFixed(1)} s run (+ ${fcPlanS.toFixed(2)} s contexts for the story) → ${fcWps.toFixed(2)} words/s, ${fullcontext.tokensPerSecond.toFixed(0)} tokens/s, ${fullcontext.gflops.toFixed(1)} GFLOP/s; whole story ≈ ${(fullcontext.estimatedStorySeconds / 60).toFixed(1)} min`,
  );

  mmRuns.push(await matmulRate());
  const mm = Math.max(...mmRuns);

  // Efficiency on a shared machine: alternate one model batch with the MatMul reference, several
  // times, and take the median of the paired ratios (contention drifts cancel within a pair).
  const pairs = async (plan: ExtractionPlan, rounds: number) => {
    const ratios: number[] = [];
    const f = flops(plan, shape.layers, shape.dModel, shape.heads).executed;
    for (let r = 0; r < rounds; r++) {
      const before = await matmulRate(3);
      const t = performance.now();
      await runPlan(runner, plan, { memoryBudget });
      const g = f / ((performance.now() - t) / 1000) / 1e9;
      const after = await matmulRate(3);
      ratios.push(g / ((before + after) / 2));
    }
    return median(ratios);
  };
  const oneBatch = (plan: ExtractionPlan): ExtractionPlan => {
    // A batch of about 2,048 tokens, so each round is a few seconds.
    const first = makeBatches(plan.sequences, shape.dModel, shape.heads, { memoryBudget })[0]!;
    const T = plan.sequences[first[0]!]!.ids.length;
    const sequences = first.slice(0, Math.max(1, Math.round(2048 / T))).map((i) => plan.sequences[i]!);
    return { sequences, nRows: plan.nRows, tokens: sequences.reduce((a, s) => a + s.ids.length, 0) };
  };
  const paired = { sliding: await pairs(oneBatch(slPlan), quick ? 3 : 5), fullcontext: await pairs(oneBatch(fcSample), quick ? 3 : 5) };
  log(
    `paired efficiency (one batch vs MatMul right before and after, median of ${quick ? 3 : 5}): sliding ${(100 * paired.sliding).toFixed(0)} %, fullcontext ${(100 * paired.fullcontext).toFixed(0)} %`,
  );
  log(`MatMul reference (best of before / between / after): ${mmRuns.map((x) => x.toFixed(1)).join(' / ')} → ${mm.toFixed(1)} GFLOP/s`);
  const ratio = sliding.wordsPerSecond / fullcontext.wordsPerSecond;
  const efficiency = { sliding: sliding.gflops / mm, fullcontext: fullcontext.gflops / mm };
  log('');
  log(`sliding / fullcontext words/s: ${ratio.toFixed(1)}×   (goal ≥ 20×)`);
  log(
    `achieved / MatMul GFLOP/s:     paired: sliding ${(100 * paired.sliding).toFixed(0)} %, fullcontext ${(100 * paired.fullcontext).toFixed(0)} %   (goal ≥ 40 %)`,
  );
  log(
    `                               whole runs vs best MatMul: sliding ${(100 * efficiency.sliding).toFixed(0)} %, fullcontext ${(100 * efficiency.fullcontext).toFixed(0)} %`,
  );
  log(`peak RSS:                      ${peakRssMb().toFixed(0)} MB`);

  await releaseLmModel(model);
  mkdirSync(join(root, 'tools', 'bench', 'out'), { recursive: true });
  const out = join(root, 'tools', 'bench', 'out', `features-lm${quick ? '-quick' : ''}.json`);
  writeFileSync(
    out,
    `${JSON.stringify({ date: new Date().toISOString(), shape, nWords, lookback, threads: threads ?? 'default', loadavg: loadavg(), matmulGflops: mm, matmulRuns: mmRuns, sliding, fullcontext, ratio, efficiency, pairedEfficiency: paired, peakRssMb: peakRssMb() }, null, 2)}\n`,
  );
  log(`wrote ${out}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
