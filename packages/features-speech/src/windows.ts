import { voxelwiseError } from '@voxelwise/core';

/** LITcoder's sliding windows over a story's samples. */
export interface SpeechWindows {
  /** First sample of window i. */
  readonly starts: Int32Array;
  /** One past the last sample of window i (`contextSamples + i·chunkSamples`). */
  readonly ends: Int32Array;
  /** Feature time of window i: its end, seconds. */
  readonly times: Float64Array;
  readonly chunkSamples: number;
  readonly contextSamples: number;
}

/**
 * The windows of GT-LIT-Lab/litcoder_core `SpeechFeatureExtractor.extract_all_layers`:
 * `chunk = int(chunkSize·sr)`, `context = int(contextSize·sr)`, `n = (total − context) // chunk + 1`,
 * window i covers samples `[end − context, end)` with `end = context + i·chunk`, and its feature
 * time is `end / sr`. A story shorter than one context has no windows.
 */
export function speechWindows(totalSamples: number, sampleRate: number, chunkSize: number, contextSize: number): SpeechWindows {
  const chunkSamples = Math.trunc(chunkSize * sampleRate);
  const contextSamples = Math.trunc(contextSize * sampleRate);
  if (chunkSamples <= 0 || contextSamples <= 0) {
    throw voxelwiseError({
      code: 'E_OPTIONS_INVALID',
      where: 'features-speech:speech',
      message: `options "chunkSize" and "contextSize" must each span at least one sample at ${sampleRate} Hz`,
      got: { chunkSize, contextSize },
    });
  }
  const n = totalSamples < contextSamples ? 0 : Math.floor((totalSamples - contextSamples) / chunkSamples) + 1;
  const starts = new Int32Array(n);
  const ends = new Int32Array(n);
  const times = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const end = contextSamples + i * chunkSamples;
    starts[i] = end - contextSamples;
    ends[i] = end;
    times[i] = end / sampleRate;
  }
  return { starts, ends, times, chunkSamples, contextSamples };
}
