export { basicFeatures, wordRateStage } from './plugin.js';
export type { WordRateOptions } from './plugin.js';
export { wordRateHuth, wordRateLitcoder } from './wordrate.js';
