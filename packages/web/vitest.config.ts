import { vitestPreset } from '../../tools/vitest-preset.ts';

export default vitestPreset();
