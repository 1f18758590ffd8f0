import { defineConfig } from 'tsup';
import { preset } from '../../tools/tsup-preset';

// `@voxelwise/ridge/predict` is its own entry: the prediction a web page runs, with none of the
// fitting code (workers, onnxruntime-node) behind it.
export default defineConfig(preset({ entry: ['src/index.ts', 'src/predict.ts'] }));
