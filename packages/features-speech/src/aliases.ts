/** A name LITcoder configs use, and the hub repository with an fp32 ONNX export of it. */
export interface SpeechAlias {
  readonly repo: string;
}

/**
 * LITcoder's speech model names (HF ids of the PyTorch checkpoints) mapped to transformers.js
 * exports of the same weights (chosen from their published file lists; not downloaded here).
 */
export const SPEECH_MODEL_ALIASES: Readonly<Record<string, SpeechAlias>> = {
  'whisper-tiny': { repo: 'Xenova/whisper-tiny' },
  'openai/whisper-tiny': { repo: 'Xenova/whisper-tiny' },
  'whisper-base': { repo: 'Xenova/whisper-base' },
  'openai/whisper-base': { repo: 'Xenova/whisper-base' },
  'whisper-small': { repo: 'Xenova/whisper-small' },
  'openai/whisper-small': { repo: 'Xenova/whisper-small' },
  'wav2vec2-base-960h': { repo: 'Xenova/wav2vec2-base-960h' },
  'facebook/wav2vec2-base-960h': { repo: 'Xenova/wav2vec2-base-960h' },
  'hubert-large-ls960-ft': { repo: 'Xenova/hubert-large-ls960-ft' },
  'facebook/hubert-large-ls960-ft': { repo: 'Xenova/hubert-large-ls960-ft' },
};

/** ONNX files tried in a model folder, per architecture, when `modelFile` is not given. */
export const SPEECH_ONNX_CANDIDATES = {
  whisper: ['onnx/encoder_model.onnx', 'encoder_model.onnx'],
  wav2vec2: ['onnx/model.onnx', 'model.onnx'],
  hubert: ['onnx/model.onnx', 'model.onnx'],
} as const;
