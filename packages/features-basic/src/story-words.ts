import { voxelwiseError } from '@voxelwise/core';
import type { Story } from '@voxelwise/core';

/**
 * The number of words of a story, after checking that its word columns (text, onsets, offsets,
 * word times) agree: word-level features are paired row by row with `wordTimes`, so a story
 * whose columns disagree would silently misalign every feature.
 */
export function storyWordCount(story: Story, where: string): number {
  const n = story.words.text.length;
  const others = { onsets: story.words.onset.length, offsets: story.words.offset.length, 'word times': story.wordTimes.length };
  for (const [what, count] of Object.entries(others)) {
    if (count !== n) {
      throw voxelwiseError({
        code: 'E_ALIGNMENT',
        where,
        message: `story "${story.name}" has ${n} words but ${count} ${what}`,
        got: count,
        expected: n,
        details: { story: story.name },
        hint: 'The assembly source must give one onset, offset and time per word; check how the story was built.',
      });
    }
  }
  return n;
}
