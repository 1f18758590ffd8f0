import path from 'node:path';
import { createContext } from '@voxelwise/core';
import { conformanceStories, describeExtractorConformance } from '@voxelwise/testing';
import { createTinyWav2vec2, speechStage } from '../src/index.js';
import { FIXTURES, tempDir } from './helpers.js';

const root = tempDir();
const tiny = await createTinyWav2vec2(path.join(root, 'tiny'), { seed: 9, layers: 2, dModel: 16, heads: 2 });
const context = () => createContext({ cacheDir: path.join(root, 'cache') });
// The conformance stories, each with the tones fixture as its audio.
const stories = () => conformanceStories().map((s) => ({ ...s, audio: { path: path.join(FIXTURES, 'tones.wav') } }));

describeExtractorConformance('speech (wav2vec 2.0)', {
  create: () => speechStage.create(speechStage.options.parse({ model: tiny.dir, layer: 1, chunkSize: 0.25, contextSize: 0.5 }), context()),
  stories,
  context,
});
