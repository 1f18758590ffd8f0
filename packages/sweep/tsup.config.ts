import { defineConfig } from 'tsup';
import { preset } from '../../tools/tsup-preset';

export default defineConfig(preset());
