import { defineConfig } from 'tsup';
import { preset } from '../../tools/tsup-preset';

export default defineConfig(preset({ entry: ['src/index.ts', 'src/bin.ts'] }));
