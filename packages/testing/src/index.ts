export { expectVoxelwiseError } from './errors.js';
export { conformanceStories, describeExtractorConformance, type ExtractorConformanceOptions } from './extractor-conformance.js';
