import { definePlugin, defineStage, z, zeros } from '@voxelwise/core';
import type { Plugin } from '@voxelwise/core';

const options = z.object({ log: z.boolean().default(false) }).strict();

declare module '@voxelwise/core' {
  interface ExtractorOptionsMap {
    'word-length': z.input<typeof options>;
  }
}

/** `word-length`: letters per word (0 for empty words), optionally log(1 + n); word-level. */
export const wordLength = defineStage({
  kind: 'extractor',
  name: 'word-length',
  description: 'Letters per word (word-level), a classic low-level baseline.',
  options,
  create: ({ log }) => ({
    id: log ? 'word-length:log' : 'word-length',
    level: 'word',
    async extract(story) {
      const out = zeros(story.wordTimes.length, 1, 'float32');
      for (let i = 0; i < out.rows; i++) {
        const n = (story.words.text[i] ?? '').replace(/[^\p{L}\p{N}]/gu, '').length;
        out.data[i] = log ? Math.log1p(n) : n;
      }
      return { level: 'word', data: out, columns: ['word-length'] };
    },
  }),
});

/** The example plugin; `voxelwise train` loads it from a config's `"plugins"` list. */
export default function wordLengthPlugin(): Plugin {
  return definePlugin('example-word-length', [wordLength]);
}
