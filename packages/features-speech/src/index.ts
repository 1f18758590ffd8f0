export { decodeWav, encodeWav } from './wav.js';
export type { DecodedAudio } from './wav.js';
export { decodeFlac, isFlac } from './flac.js';
export { resample } from './resample.js';
export { loadAudio } from './audio.js';
export type { StoryWaveform } from './audio.js';
export { speechWindows } from './windows.js';
export type { SpeechWindows } from './windows.js';
export { readoutsPerPass, speechPasses } from './readout-hop.js';
export type { SpeechPass } from './readout-hop.js';
export { buildSpeechGraph, speechLayerOutput, SPEECH_POOL_INPUT } from './speech-graph.js';
export type { SpeechGraph } from './speech-graph.js';
export { createTinyWhisperEncoder, createTinyWav2vec2, WHISPER_PREPROCESSOR, WAV2VEC2_PREPROCESSOR, WAV2VEC2_CONV } from './tiny-speech.js';
export type { TinySpeechModel, TinySpeechOptions } from './tiny-speech.js';
export { SPEECH_MODEL_ALIASES, SPEECH_ONNX_CANDIDATES } from './aliases.js';
export type { SpeechAlias } from './aliases.js';
export { openSpeechModel, releaseSpeechModel, resolveSpeechModel, readSpeechModelInfo, SPEECH_ARCHITECTURES } from './speech-model.js';
export type {
  SpeechArchitecture,
  SpeechModel,
  SpeechModelIdentity,
  SpeechModelInfo,
  SpeechModelOptions,
  SpeechModelSource,
  SpeechPreprocessor,
} from './speech-model.js';
export { whisperFrames, whisperRealFrames, whisperFramesBefore, convFrames, convFramesBefore } from './frames.js';
export { storyLogMel } from './whisper-log-mel.js';
export type { WhisperFrontEnd } from './whisper-log-mel.js';
export { runSpeechWindows, bytesPerWindow } from './speech-runner.js';
export type { SpeechPool, SpeechRunOptions } from './speech-runner.js';
export { speechFeatures, speechStage, SPEECH_EXTRACTOR_NAME } from './plugin.js';
export { speechOptionsSchema } from './options.js';
export type { SpeechOptions, ResolvedSpeechOptions } from './options.js';
export { createSpeechExtractor } from './speech-extractor.js';
export type { SpeechExtractor, SpeechStoryLayers } from './speech-extractor.js';
export {
  SPEECH_CACHE_FORMAT,
  SPEECH_CACHE_META_KEY,
  speechCacheDir,
  speechCacheFile,
  speechCacheKey,
  writeSpeechCache,
  readSpeechCacheLayer,
  listSpeechCache,
  verifySpeechCache,
  clearSpeechCache,
} from './speech-cache.js';
export type { SpeechCacheEntry, SpeechCacheFilter, SpeechCacheKeyParts, SpeechCacheMetadata, SpeechCacheRead } from './speech-cache.js';
