import { mergeConfig } from 'vitest/config';
import { vitestPreset } from '../../tools/vitest-preset.ts';

export default mergeConfig(vitestPreset(), { test: { passWithNoTests: true } });
