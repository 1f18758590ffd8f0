import { voxelwiseError } from '@voxelwise/core';
import type { SpeechWindows } from './windows.js';

const WHERE = 'features-speech:speech';

/**
 * Windows read out of one encoder pass, `k = hop / chunkSize`: 1 (LITcoder's one pass per window)
 * when `hop` is not given. `hop` must be a whole multiple of `chunkSize` (a feature row is still
 * stamped at every window end), else `E_OPTIONS_INVALID` naming both options.
 */
export function readoutsPerPass(chunkSize: number, hop: number | undefined): number {
  if (hop === undefined) return 1;
  const k = Math.round(hop / chunkSize);
  // Seconds are decimals (0.5 / 0.1 = 5.000000000000001): a multiple up to rounding is a multiple.
  if (!(hop > 0) || k < 1 || Math.abs(k * chunkSize - hop) > 1e-9 * Math.max(hop, chunkSize)) {
    throw voxelwiseError({
      code: 'E_OPTIONS_INVALID',
      where: WHERE,
      message: `option "hop" (${hop} s) must be a whole multiple of option "chunkSize" (${chunkSize} s), at least 1×`,
      got: { hop, chunkSize },
      hint: `Use hop = k × chunkSize (k = 1 is LITcoder's one pass per window; e.g. ${5 * chunkSize} s reads 5 windows per pass).`,
    });
  }
  return k;
}

/** One encoder pass of the readout hop: its audio, and the windows read out of it. */
export interface SpeechPass {
  /** First sample of the pass's audio. */
  readonly start: number;
  /** One past its last sample: the end of the last window it reads out. */
  readonly end: number;
  /** Index of the first window read out of the pass. */
  readonly first: number;
  /** Windows read out (k, fewer only in a story's last pass). */
  readonly count: number;
}

/**
 * Groups a story's windows into encoder passes of `readouts` consecutive windows. A pass whose last
 * window ends at `t` runs on `[t − contextSize − (hop − chunkSize), t)`: every window's full
 * context, and for the earlier windows up to `hop − chunkSize` of audio after their end. The last
 * pass of a story may read fewer windows; it keeps the same span (so every pass has the same
 * shape and sees no more future), clipped at the story's start. With `readouts = 1` every pass is
 * exactly its window.
 */
export function speechPasses(windows: SpeechWindows, readouts: number): SpeechPass[] {
  const n = windows.ends.length;
  const span = windows.contextSamples + (readouts - 1) * windows.chunkSamples;
  const passes: SpeechPass[] = [];
  for (let first = 0; first < n; first += readouts) {
    const count = Math.min(readouts, n - first);
    const end = windows.ends[first + count - 1]!;
    passes.push({ start: Math.max(0, end - span), end, first, count });
  }
  return passes;
}
