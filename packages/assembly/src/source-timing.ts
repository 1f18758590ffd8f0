import type { EventSink, Story } from '@voxelwise/core';
import { checkStoryTiming, issueError, storyFiles } from './validate.js';
import { checkWordTiming, reportOverhang } from './word-timing.js';

/**
 * Applies the shared timing checks to a story a source just opened (in-place `lebel`, `byo`, and
 * through them every import): the first error is thrown as a coded `VoxelwiseError` naming the
 * story and file; an accepted overhang is set on `story.overhang` and reported once as a `log`
 * warning on `emit`.
 */
export function checkSourceStory(story: Story, emit: EventSink | undefined, stage: string): Story {
  const first = checkStoryTiming(story)[0];
  if (first) throw issueError(first);
  const files = storyFiles(story);
  const { overhang } = checkWordTiming(story, files);
  if (!overhang) return story;
  const checked: Story = { ...story, overhang };
  reportOverhang(checked, overhang, emit, stage, files.words);
  return checked;
}
