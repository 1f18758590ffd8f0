import { defineConfig } from 'tsup';
import { preset } from '../../tools/tsup-preset';

// `@voxelwise/features-basic/wordrate` is its own entry: the word-rate stage a web page runs,
// with none of the file readers (HDF5, Arrow, .npy) behind it.
export default defineConfig(preset({ entry: ['src/index.ts', 'src/wordrate-entry.ts'] }));
