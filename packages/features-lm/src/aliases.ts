/** A hub repository that carries ONNX weights for a model LITcoder configs name. */
export interface ModelAlias {
  /** Hub repository id. */
  readonly repo: string;
  /** The original model the weights come from. */
  readonly base: string;
}

/**
 * Names LITcoder / TransformerLens configs use → hub repositories with fp32 ONNX exports
 * (`onnx/decoder_model.onnx`, no KV cache). Any other hub id or a local folder works too.
 */
export const MODEL_ALIASES: Readonly<Record<string, ModelAlias>> = {
  gpt2: { repo: 'Xenova/gpt2', base: 'openai-community/gpt2' },
  'gpt2-small': { repo: 'Xenova/gpt2', base: 'openai-community/gpt2' },
  'openai-community/gpt2': { repo: 'Xenova/gpt2', base: 'openai-community/gpt2' },
  distilgpt2: { repo: 'Xenova/distilgpt2', base: 'distilbert/distilgpt2' },
  'gpt2-medium': { repo: 'openai-community/gpt2-medium', base: 'openai-community/gpt2-medium' },
  'opt-125m': { repo: 'Xenova/opt-125m', base: 'facebook/opt-125m' },
  'facebook/opt-125m': { repo: 'Xenova/opt-125m', base: 'facebook/opt-125m' },
  'pythia-70m': { repo: 'Xenova/pythia-70m', base: 'EleutherAI/pythia-70m' },
  'EleutherAI/pythia-70m': { repo: 'Xenova/pythia-70m', base: 'EleutherAI/pythia-70m' },
  'pythia-70m-deduped': { repo: 'Xenova/pythia-70m-deduped', base: 'EleutherAI/pythia-70m-deduped' },
  'EleutherAI/pythia-70m-deduped': { repo: 'Xenova/pythia-70m-deduped', base: 'EleutherAI/pythia-70m-deduped' },
  'pythia-160m': { repo: 'Xenova/pythia-160m', base: 'EleutherAI/pythia-160m' },
  'EleutherAI/pythia-160m': { repo: 'Xenova/pythia-160m', base: 'EleutherAI/pythia-160m' },
  'pythia-410m': { repo: 'Xenova/pythia-410m', base: 'EleutherAI/pythia-410m' },
  'EleutherAI/pythia-410m': { repo: 'Xenova/pythia-410m', base: 'EleutherAI/pythia-410m' },
};

/** ONNX files tried in a model folder, in order (the first without KV cache inputs first). */
export const ONNX_CANDIDATES = ['onnx/decoder_model.onnx', 'onnx/model.onnx', 'decoder_model.onnx', 'model.onnx'] as const;
