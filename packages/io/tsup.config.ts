import { defineConfig } from 'tsup';
import { preset } from '../../tools/tsup-preset';

// `@voxelwise/io/hdf5` is its own entry: only it refers to h5wasm (an optional peer dependency),
// so the main entry's types and code never need h5wasm installed.
export default defineConfig(preset({ entry: ['src/index.ts', 'src/hdf5.ts'] }));
