// `@voxelwise/features-basic/wordrate`: the word-rate extractor alone, free of Node and of the
// file readers, so a web page computes a text's word rate with the stage a run used.
export { wordRateStage } from './wordrate-stage.js';
export type { WordRateOptions } from './wordrate-stage.js';
export { wordRateHuth, wordRateLitcoder } from './wordrate.js';
export type { WordRateCountOptions, WordRateWindow } from './wordrate.js';
