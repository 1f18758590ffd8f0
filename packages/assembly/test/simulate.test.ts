import { describe, expect, it } from 'vitest';
import { simulateSubject } from '../src/index.js';

describe('simulateSubject', () => {
  it('is deterministic for a seed', async () => {
    const a = simulateSubject({ seed: 3, stories: 2, duration: 60, voxels: 5 });
    const b = simulateSubject({ seed: 3, stories: 2, duration: 60, voxels: 5 });
    const sa = await a.assembly.story(a.assembly.storyNames[0]!);
    const sb = await b.assembly.story(b.assembly.storyNames[0]!);
    expect(sa.words.text).toEqual(sb.words.text);
    expect(Array.from((await sa.responses()).data)).toEqual(Array.from((await sb.responses()).data));
  });

  it('aligns responses with the trimmed TR grid', async () => {
    const { assembly } = simulateSubject({ seed: 1, stories: 2, duration: 60, voxels: 5 });
    const s = await assembly.story(assembly.testStories[0]!);
    expect(s.nResponseRows).toBe(s.trTimes.length - s.trim.start - s.trim.end);
    expect((await s.responses()).rows).toBe(s.nResponseRows);
    expect((await s.responses({ voxelStart: 1, voxelEnd: 3 })).cols).toBe(2);
  });
});
