import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createContext, memoryStory } from '@voxelwise/core';
import type { StageContext, Story, VoxelwiseEvent } from '@voxelwise/core';

/** The fixtures folder. */
export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** A fresh temporary folder. */
export function tempDir(prefix = 'features-speech-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A story whose audio is `file`, `seconds` long on a 1 s TR grid (words and responses are irrelevant here). */
export function audioStory(name: string, file: string, seconds: number): Story {
  const nTr = Math.max(1, Math.round(seconds));
  const story = memoryStory({
    name,
    words: { text: ['a'], onset: Float64Array.of(0), offset: Float64Array.of(0.5) },
    trTimes: Float64Array.from({ length: nTr }, (_, i) => 0.5 + i),
    trim: { start: 0, end: 0 },
    responses: { rows: nTr, cols: 1, data: new Float32Array(nTr) },
  });
  return { ...story, responses: story.responses.bind(story), audio: { path: file } };
}

/** A context whose events are recorded. */
export function recordingContext(cacheDir: string): { ctx: StageContext; events: VoxelwiseEvent[] } {
  const events: VoxelwiseEvent[] = [];
  return { ctx: createContext({ cacheDir, emit: (e) => events.push(e) }), events };
}

/** Number of stories computed (one `speech/windows_per_second` metric per computed story). */
export function computations(events: readonly VoxelwiseEvent[]): number {
  return events.filter((e) => e.type === 'metric' && e.name === 'speech/windows_per_second').length;
}

/** Largest absolute difference between two arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
