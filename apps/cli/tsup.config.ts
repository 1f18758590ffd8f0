import { defineConfig } from 'tsup';
import { preset } from '../../tools/tsup-preset';

// Code splitting keeps each command (and what it imports) in its own chunk, loaded when the
// command runs: `voxelwise --help` reads only the command table.
export default defineConfig(preset({ entry: ['src/index.ts', 'src/bin.ts'], splitting: true }));
