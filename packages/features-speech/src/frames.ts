import type { SpeechModelInfo } from './speech-model.js';

/** wav2vec 2.0 base's feature encoder (HF `Wav2Vec2Config` defaults), for configs that omit it. */
const DEFAULT_CONV = { kernels: [10, 3, 3, 3, 3, 2, 2], strides: [5, 2, 2, 2, 2, 2, 2] } as const;

/** Encoder frames of a Whisper input: the 30 s input has `nb_max_frames / 2` after the stride-2 convolution. */
export function whisperFrames(info: SpeechModelInfo): number {
  return Math.floor((info.melFrames ?? 3000) / 2);
}

/**
 * Encoder frames that hold real audio in a Whisper window of `samples` samples: the feature
 * extractor gives `floor(samples / hop)` log-mel frames of signal (transformers.js
 * `WhisperFeatureExtractor`, HF `_np_extract_fbank_features` drops the last STFT frame), and
 * the stride-2 convolution with padding 1 centres encoder frame j on log-mel frame 2j, so frames
 * `0 … ceil(melFrames / 2) − 1` see audio; the rest of the 1500 see only the zero padding.
 */
export function whisperRealFrames(info: SpeechModelInfo, samples: number): number {
  const mel = Math.floor(samples / (info.hopLength ?? 160));
  return Math.max(1, Math.min(whisperFrames(info), Math.ceil(mel / 2)));
}

/** Frames of wav2vec 2.0 / HuBERT for `samples` samples: HF `_get_feat_extract_output_lengths`. */
export function convFrames(info: SpeechModelInfo, samples: number): number {
  let n = samples;
  const conv = info.conv ?? DEFAULT_CONV;
  conv.kernels.forEach((k, j) => {
    n = Math.floor((n - k) / conv.strides[j]!) + 1;
  });
  return Math.max(0, n);
}

/**
 * Whisper encoder frames that lie before sample `offset` of an input: frame j is centred on log-mel
 * frame 2j (see {@link whisperRealFrames}), so it counts when `2j < floor(offset / hop)`. The
 * frames of the audio `[a, b)` of a pass are then `whisperFramesBefore(a) … whisperRealFrames(b) − 1`,
 * and consecutive windows' frames tile the pass; for `a = 0` it is 0, a window's own rule.
 */
export function whisperFramesBefore(info: SpeechModelInfo, offset: number): number {
  return Math.min(whisperFrames(info), Math.ceil(Math.floor(offset / (info.hopLength ?? 160)) / 2));
}

/**
 * wav2vec 2.0 / HuBERT frames that start before sample `offset`: the convolutions have no
 * padding, so frame j's receptive field starts at `j · ∏ strides` (HF `Wav2Vec2FeatureEncoder`).
 * The frames wholly inside `[a, b)` are `convFramesBefore(a) … convFrames(b) − 1`.
 */
export function convFramesBefore(info: SpeechModelInfo, offset: number): number {
  const stride = (info.conv ?? DEFAULT_CONV).strides.reduce((a, s) => a * s, 1);
  return Math.ceil(offset / stride);
}
