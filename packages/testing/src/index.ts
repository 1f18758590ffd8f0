export { expectVoxelwiseError } from './errors.js';
export { conformanceStories, describeExtractorConformance, type ExtractorConformanceOptions } from './extractor-conformance.js';
export { describeDownsamplerConformance, type DownsamplerConformanceOptions } from './downsampler-conformance.js';
export { describeModelConformance, REQUIRED_METRICS, type ModelConformanceOptions } from './model-conformance.js';
