import path from 'node:path';
import { createContext } from '@voxelwise/core';
import { describeExtractorConformance } from '@voxelwise/testing';
import { createTinyGpt2, lmStage } from '../src/index.js';
import { tempDir } from './helpers.js';

const root = tempDir();
const tiny = await createTinyGpt2(path.join(root, 'tiny'), { seed: 9, layers: 2, dModel: 16, heads: 2, positions: 64 });
const context = () => createContext({ cacheDir: path.join(root, 'cache') });

for (const contextType of ['fullcontext', 'sliding'] as const) {
  describeExtractorConformance(`lm (${contextType})`, {
    create: () => lmStage.create(lmStage.options.parse({ model: tiny.dir, layer: 1, lookback: 8, contextType }), context()),
    context,
  });
}
