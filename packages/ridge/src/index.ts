export { ridge, ridgeCVStage } from './plugin.js';
export type { RidgeCVStageOptions } from './plugin.js';
export { fitRidgeCV, summarise } from './simple-ridge.js';
export type { RidgeCVOptions } from './simple-ridge.js';
export { columnCorrelations } from './pearson.js';
