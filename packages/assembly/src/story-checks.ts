import { voxelwiseError } from '@voxelwise/core';
import type { VoxelwiseError } from '@voxelwise/core';

/**
 * Throws `E_CONFIG_INVALID` for the first requested test story that the source does not hold;
 * `what` names it as the user wrote it (`story`, an LPP `run`, a Narratives `task`).
 */
export function checkTestStories(tests: readonly string[], names: readonly string[], what: string, where: string): void {
  for (const t of tests) {
    if (!names.includes(t))
      throw voxelwiseError({
        code: 'E_CONFIG_INVALID',
        where,
        message: `test ${what} "${t}" is not among the stories`,
        expected: names,
      });
  }
}

/** `E_DATA_INVALID` for `Assembly.story(name)` when the source (`in <source>`) has no such story. */
export function unknownStory(name: string, source: string, names: readonly string[], where: string): VoxelwiseError {
  return voxelwiseError({
    code: 'E_DATA_INVALID',
    where,
    message: `no story "${name}" in ${source}`,
    expected: names,
    details: { story: name },
  });
}
