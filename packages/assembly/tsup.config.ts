import { defineConfig } from 'tsup';
import { preset } from '../../tools/tsup-preset';

// `@voxelwise/assembly/text` is its own entry: the word-timing parsers a web page imports, with
// none of the data-set readers (files, HDF5, Arrow) behind it.
export default defineConfig(preset({ entry: ['src/index.ts', 'src/text.ts'] }));
