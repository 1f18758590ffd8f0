export { downsamplers, rectStage } from './plugin.js';
export type { RectOptions } from './plugin.js';
export { rectDownsample } from './rect.js';
export { makeDelayed, delayedColumns } from './fir.js';
export type { DelayedColumn } from './fir.js';
export { zscore } from './zscore.js';
export { validateInput, meanTR } from './validate.js';
