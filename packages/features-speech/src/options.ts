import { z } from '@voxelwise/core';

/** Options schema of the `speech` extractor (defaults: LITcoder's speech tutorial, chunk 0.1 s, context 16 s). */
export const speechOptionsSchema = z
  .object({
    /** Hub id (`Xenova/whisper-base`), alias (`openai/whisper-base`, `whisper-tiny`, …) or local folder path. */
    model: z.string().min(1),
    /** Hub revision: branch, tag or commit. */
    revision: z.string().min(1).default('main'),
    /** ONNX file inside the model folder (default: onnx/encoder_model.onnx for Whisper, onnx/model.onnx otherwise). */
    modelFile: z.string().min(1).optional(),
    /**
     * LITcoder's layer: block i's output (`hidden_states[i + 1]`, 0-based over encoder blocks),
     * `last` for the last block; negative counts from the end (−1 = `last`).
     */
    layer: z.union([z.number().int(), z.literal('last')]),
    /** Seconds between window ends (LITcoder `chunk_size`). */
    chunkSize: z.number().positive().default(0.1),
    /** Seconds of audio per window (LITcoder `context_size`). */
    contextSize: z.number().positive().default(16),
    /** `last`: the window's last frame; `mean`: the mean over its frames (LITcoder `pool`). */
    pool: z.enum(['last', 'mean']).default('last'),
    /**
     * Whisper: pool over the frames of real audio (`real`, fixes LITcoder reading a padding frame)
     * or over all 1500 frames of the padded 30 s input (`padded`, LITcoder's numbers).
     */
    whisperFrames: z.enum(['real', 'padded']).default('real'),
    /**
     * Whisper: zero-pad every window to 30 s (`padded`, as trained and as LITcoder) or run the
     * encoder on the window's frames only (`trimmed`: about 2× faster for 16 s windows, different numbers).
     */
    whisperInput: z.enum(['padded', 'trimmed']).default('padded'),
    /**
     * Seconds between encoder passes, a whole multiple of `chunkSize` (default: `chunkSize`, one
     * pass per window, LITcoder's numbers). With `hop = k·chunkSize` one pass over
     * `contextSize + hop − chunkSize` s of audio reads out the rows of its k window ends: k× fewer
     * passes, and each row sees up to `hop − chunkSize` s of audio after its window end (an
     * approximation; the rows and their times are the same as without it).
     */
    hop: z.number().positive().optional(),
    /**
     * Encoder blocks to run: `needed` stops at the layer the stage reads (exact, fewer blocks;
     * the cache file holds layers 0..layer), `all` runs every block once and caches them all (a
     * layer sweep reads them without recomputing).
     */
    layers: z.enum(['needed', 'all']).default('needed'),
    /** Encoder passes per onnxruntime call; default sized from the run's memory budget. */
    batchSize: z.number().int().min(1).optional(),
    /** Read and write the feature cache under the run's cacheDir. */
    cache: z.boolean().default(true),
    /** onnxruntime intra-op threads; default onnxruntime's (all cores). */
    threads: z.number().int().min(1).optional(),
  })
  .strict();

/** Options of the `speech` extractor as written in configs. */
export type SpeechOptions = z.input<typeof speechOptionsSchema>;

/** Options of the `speech` extractor with defaults filled. */
export type ResolvedSpeechOptions = z.output<typeof speechOptionsSchema>;
