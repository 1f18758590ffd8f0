import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createContext, memoryStory } from '@voxelwise/core';
import type { StageContext, Story, VoxelwiseEvent } from '@voxelwise/core';

/** A fresh temporary folder. */
export function tempDir(prefix = 'features-lm-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A story with the given words, 0.4 s apart, on a 2 s TR grid (responses are irrelevant here). */
export function wordStory(name: string, words: readonly string[]): Story {
  const onset = Float64Array.from(words, (_, i) => i * 0.4);
  const offset = Float64Array.from(words, (_, i) => i * 0.4 + 0.3);
  const nTr = Math.max(1, Math.ceil((words.length * 0.4) / 2));
  return memoryStory({
    name,
    words: { text: [...words], onset, offset },
    trTimes: Float64Array.from({ length: nTr }, (_, i) => 1 + 2 * i),
    trim: { start: 0, end: 0 },
    responses: { rows: nTr, cols: 1, data: new Float32Array(nTr) },
  });
}

/** A context whose events are recorded. */
export function recordingContext(cacheDir: string): { ctx: StageContext; events: VoxelwiseEvent[] } {
  const events: VoxelwiseEvent[] = [];
  return { ctx: createContext({ cacheDir, emit: (e) => events.push(e) }), events };
}

/** Number of forward computations recorded (one `lm/tokens_per_second` metric per computed story). */
export function computations(events: readonly VoxelwiseEvent[]): number {
  return events.filter((e) => e.type === 'metric' && e.name === 'lm/tokens_per_second').length;
}

/** Largest absolute difference between two arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
