// `@voxelwise/assembly/text`: the word-timing parsers alone (TextGrid, words.tsv), free of Node and
// of the data-set readers, so a web page times a pasted transcript exactly as an assembly does.
export { parseTextGrid } from './textgrid.js';
export type { IntervalTier, PointTier, TextGrid, TextGridFormat, TextGridInterval, TextGridPoint, TextGridTier } from './textgrid.js';
export { parseWordsTsv } from './words-tsv.js';
export { chooseWordTier } from './tier-choice.js';
export { lebelWords, isLebelNonWord } from './lebel-conventions.js';
