import { z } from '@voxelwise/core';

/** Context policies: LITcoder's three (encoding/assembly/base_processor.py `generate_stimuli_with_context`) and the fast `sliding` window. */
export const CONTEXT_TYPES = ['fullcontext', 'nocontext', 'halfcontext', 'sliding'] as const;

/** Options schema of the `lm` extractor. */
export const lmOptionsSchema = z
  .object({
    /** Hub id (`Xenova/gpt2`), alias (`gpt2-small`, `facebook/opt-125m`, …) or local folder path. */
    model: z.string().min(1),
    /** Hub revision: branch, tag or commit. */
    revision: z.string().min(1).default('main'),
    /** ONNX file inside the model folder (default: onnx/decoder_model.onnx, then onnx/model.onnx, …). */
    modelFile: z.string().min(1).optional(),
    /**
     * Layer i = the residual stream entering block i (0 = embeddings), TransformerLens
     * `blocks.{i}.hook_resid_pre`; layer L = the last block's output before the final LayerNorm.
     * Negative counts from the end (−1 = L).
     */
    layer: z.number().int(),
    /** Context length in tokens (and, for fullcontext, the word window) as LITcoder. */
    lookback: z.number().int().min(1).default(256),
    contextType: z.enum(CONTEXT_TYPES).default('fullcontext'),
    /** `lastToken`: the word's last token; `mean`: all positions of its context, BOS included. */
    pooling: z.enum(['lastToken', 'mean']).default('lastToken'),
    /** Subtract each token vector's mean over d_model (TransformerLens `center_writing_weights`, LITcoder's default). */
    center: z.boolean().default(true),
    /** Tokenizer that cuts contexts to `lookback` tokens: the model's own, or GPT-2's as LITcoder always does. */
    contextTokenizer: z.enum(['model', 'gpt2']).default('model'),
    /** Positions per window of the `sliding` policy (BOS included); default the model's maximum. */
    slidingWindow: z.number().int().min(3).optional(),
    /** Sequences per forward pass; default sized from the run's memory budget. */
    batchSize: z.number().int().min(1).optional(),
    /** Read and write the feature cache under the run's cacheDir. */
    cache: z.boolean().default(true),
    /** onnxruntime intra-op threads; default onnxruntime's (all cores). */
    threads: z.number().int().min(1).optional(),
  })
  .strict();

/** Options of the `lm` extractor as written in configs. */
export type LmOptions = z.input<typeof lmOptionsSchema>;

/** Options of the `lm` extractor with defaults filled. */
export type ResolvedLmOptions = z.output<typeof lmOptionsSchema>;
