import { mergeConfig } from 'vitest/config';
import { vitestPreset } from '../../tools/vitest-preset';

export default mergeConfig(vitestPreset(), { test: { passWithNoTests: true } });
