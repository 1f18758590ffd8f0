/**
 * Builds a tiny GPT-2-architecture ONNX model with seeded random weights and the real GPT-2
 * tokenizer (offline), for tests, demos and benchmarks of @voxelwise/features-lm.
 *
 *   node --conditions=@voxelwise/source --import tsx tools/tiny-gpt2.ts <out-dir> [--seed 0]
 *        [--layers 2] [--d-model 64] [--heads 4] [--positions 128] [--logits-only]
 *
 * GPT-2 small's shape is --layers 12 --d-model 768 --heads 12 --positions 1024 (≈500 MB).
 */
import { parseArgs } from 'node:util';
import { createTinyGpt2 } from '@voxelwise/features-lm';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    seed: { type: 'string' },
    layers: { type: 'string' },
    'd-model': { type: 'string' },
    heads: { type: 'string' },
    positions: { type: 'string' },
    'logits-only': { type: 'boolean' },
  },
});
const [out] = positionals;
if (!out) {
  process.stderr.write(
    'usage: tools/tiny-gpt2.ts <out-dir> [--seed n] [--layers n] [--d-model n] [--heads n] [--positions n] [--logits-only]\n',
  );
  process.exit(2);
}
const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
const t0 = performance.now();
const model = await createTinyGpt2(out, {
  ...(values.seed !== undefined ? { seed: num(values.seed)! } : {}),
  ...(values.layers !== undefined ? { layers: num(values.layers)! } : {}),
  ...(values['d-model'] !== undefined ? { dModel: num(values['d-model'])! } : {}),
  ...(values.heads !== undefined ? { heads: num(values.heads)! } : {}),
  ...(values.positions !== undefined ? { positions: num(values.positions)! } : {}),
  ...(values['logits-only'] ? { hiddenStateOutputs: false } : {}),
});
const c = model.config;
process.stdout.write(
  `${model.dir}: gpt2 ${c.n_layer} layers, d=${c.n_embd}, ${c.n_head} heads, ${c.n_positions} positions, ${(model.bytes / 1e6).toFixed(1)} MB in ${((performance.now() - t0) / 1000).toFixed(2)} s\n`,
);
