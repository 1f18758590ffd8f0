import { vitestPreset } from '../../tools/vitest-preset';

export default vitestPreset();
