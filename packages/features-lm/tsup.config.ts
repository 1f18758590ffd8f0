import { defineConfig } from 'tsup';
import { preset } from '../../tools/tsup-preset';

// `@voxelwise/features-lm/browser` is its own entry: what a web page runs (contexts, plans, the
// batched runner), with none of the Node parts (files, cache, onnxruntime-node) behind it.
export default defineConfig(preset({ entry: ['src/index.ts', 'src/browser.ts'] }));
